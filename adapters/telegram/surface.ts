/**
 * The reply surface of one Telegram chat: plain-text messages (no parse mode, so nothing the
 * backend writes can break the markup), a status message edited in place, the video as an
 * upload when it fits the Bot API's limit or as a link when it does not, and actions as inline
 * buttons whose callbacks run the command of the same name.
 */
import { type Api, InputFile } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type {
  Action,
  Language,
  ReplySurface,
  StatusMessage,
  SurfaceResolver,
  VideoReply,
} from '../../src/core/seam.ts';
import type { Logger } from '../../src/log.ts';
import { describeFailure, isTooLarge } from './api.ts';
import type { EditPacer } from './pacing.ts';
import { clip, maxTextLength, TelegramStatus } from './status.ts';
import { languageOfText, telegramTexts } from './texts.ts';

/** A video caption's limit; a longer caption goes in a message of its own. */
const maxCaptionLength = 1024;

export interface SurfaceDeps {
  api: Api;
  statusApi: Api;
  pacer: EditPacer;
  logger: Logger;
  /** Largest video sent as a file; above it the link is posted. */
  maxUploadBytes: number;
}

export const actionData = (action: Action): string => `cmd:${action}`;

/** The action a button's callback data names, if it is one of ours. */
export function actionOf(data: string): Action | undefined {
  const action = /^cmd:(export|status|new)$/.exec(data)?.[1];
  return action as Action | undefined;
}

function keyboard(actions: Action[], language: Language): InlineKeyboardMarkup | undefined {
  if (actions.length === 0) return undefined;
  const labels = telegramTexts(language).buttons;
  return {
    inline_keyboard: [actions.map((action) => ({ text: labels[action], callback_data: actionData(action) }))],
  };
}

export class TelegramSurface implements ReplySurface {
  readonly maxMessageLength = maxTextLength;
  readonly #chatId: number;
  readonly #deps: SurfaceDeps;
  /** The reader's language when known (a turn); otherwise read from the text itself. */
  readonly #language: Language | undefined;

  constructor(chatId: number, deps: SurfaceDeps, language?: Language) {
    this.#chatId = chatId;
    this.#deps = deps;
    this.#language = language;
  }

  async postStatus(text: string): Promise<StatusMessage> {
    const shown = clip(text);
    const message = await this.#deps.api.sendMessage(this.#chatId, shown);
    return new TelegramStatus(this.#chatId, message.message_id, shown, this.#deps);
  }

  async postText(text: string, actions: Action[] = []): Promise<void> {
    const markup = keyboard(actions, this.#language ?? languageOfText(text));
    await this.#deps.api.sendMessage(this.#chatId, clip(text), markup ? { reply_markup: markup } : {});
  }

  async postVideo(video: VideoReply, caption: string, actions: Action[] = []): Promise<void> {
    const { api, logger, maxUploadBytes } = this.#deps;
    const language = this.#language ?? languageOfText(caption);
    const texts = telegramTexts(language);
    // Unknown size: try the upload only when there is no link to fall back on.
    const fits = video.sizeBytes !== undefined ? video.sizeBytes <= maxUploadBytes : !video.url;
    if (fits) {
      try {
        await this.#sendVideo(video, caption, actions, language);
        return;
      } catch (error) {
        if (!video.url && !isTooLarge(error)) throw error;
        logger.warn('video upload failed; posting the link instead', describeFailure(error));
      }
    } else {
      logger.info('video over the upload limit; posting the link', {
        size: video.sizeBytes,
        limit: maxUploadBytes,
      });
    }
    const where = video.url ? texts.videoLink({ url: video.url }) : texts.videoTooLarge;
    await api.sendMessage(this.#chatId, clip(`${caption}\n\n${where}`), {
      reply_markup: keyboard(actions, language),
    });
  }

  /** Streams the MP4 into sendVideo; a retried call (429) opens the video again. */
  async #sendVideo(video: VideoReply, caption: string, actions: Action[], language: Language): Promise<void> {
    const { api } = this.#deps;
    await api.sendChatAction(this.#chatId, 'upload_video').catch(() => {});
    const captionFits = caption.length <= maxCaptionLength;
    await api.sendVideo(this.#chatId, new InputFile(() => video.open(), video.fileName), {
      supports_streaming: true,
      ...(captionFits ? { caption } : {}),
      reply_markup: keyboard(captionFits ? actions : [], language),
    });
    if (!captionFits) await this.postText(caption, actions);
  }
}

/** Surfaces for the chats a channel key names (`telegram:<chat id>`), all pacing edits together. */
export class Surfaces {
  readonly #deps: SurfaceDeps;

  constructor(deps: SurfaceDeps) {
    this.#deps = deps;
  }

  forChat(chatId: number, language?: Language): TelegramSurface {
    return new TelegramSurface(chatId, this.#deps, language);
  }

  readonly forChannel: SurfaceResolver = (channel) => {
    const chatId = /^telegram:(-?\d+)$/.exec(channel)?.[1];
    return chatId === undefined ? undefined : this.forChat(Number(chatId));
  };
}
