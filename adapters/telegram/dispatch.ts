/**
 * Hands turns to the core.
 *
 * Updates of one chat are handled in order (see index.ts), but a turn may run for minutes: if the
 * chat's next update waited for it, "/cancel" could never stop it. So a turn holds the chat only
 * until it has said its first word (the status message, a refusal, an answer): by then the core
 * has claimed the channel, and the next update meets a "busy" answer or a command that reads or
 * cancels, in the order the person sent them.
 */
import { handleTurn, parseCommandLine, runCommand } from '../../commands/index.ts';
import type { Conversation } from '../../src/core/conversation.ts';
import { languageOf } from '../../src/core/messages.ts';
import type { Action, ReplySurface, StatusMessage, Turn, VideoReply } from '../../src/core/seam.ts';
import type { Logger } from '../../src/log.ts';
import { describeFailure } from './api.ts';
import { type FileLimits, type FileSource, refusalFor } from './files.ts';
import type { Surfaces } from './surface.ts';
import { channelOf, type Incoming, isForBot, personOf, turnOf } from './turns.ts';

export interface DispatchDeps {
  conversation: Conversation;
  surfaces: Surfaces;
  files: FileSource;
  limits: FileLimits;
  logger: Logger;
}

export class Dispatcher {
  readonly #deps: DispatchDeps;

  constructor(deps: DispatchDeps) {
    this.#deps = deps;
  }

  /** Starts the turn of a message or an album; resolves once it has begun, never rejects. */
  async message(incoming: Incoming): Promise<void> {
    const { conversation, surfaces, files, limits, logger } = this.#deps;
    if (!isForBot(incoming)) {
      logger.debug('group message not addressed to the bot', { chat: incoming.chatId });
      return;
    }
    const language = languageOf(incoming.person.locale);
    const attachments = incoming.files.map((file) => files.attachment(file));
    const turn = turnOf(incoming, attachments);
    logger.debug('turn', { chat: incoming.chatId, files: attachments.length, language });
    // Files that cannot go are refused from what Telegram told us: nothing reaches NemoVideo.
    const refusal = refusalFor(attachments, language, limits);
    await this.#begin(turn, surfaces.forChat(incoming.chatId, language), async (surface) => {
      if (refusal === undefined) return handleTurn(conversation, turn, surface);
      // Someone the bot is not for hears that, not what it would make of their files.
      const command = parseCommandLine(turn.text)?.name.toLowerCase() ?? 'edit';
      if (!(await conversation.admit(turn, surface, command))) return;
      logger.info('files refused before upload', {
        chat: incoming.chatId,
        kinds: attachments.map((file) => file.kind),
        sizes: attachments.map((file) => file.size),
      });
      await surface.postText(refusal);
    });
  }

  /** A button press: the command of the same name, for the person who pressed it. */
  async action(action: Action, chatId: number, from: Parameters<typeof personOf>[0]): Promise<void> {
    const { conversation, surfaces } = this.#deps;
    const person = personOf(from);
    const turn: Turn = {
      platform: 'telegram',
      channel: channelOf(chatId),
      person,
      text: `/${action}`,
      attachments: [],
    };
    await this.#begin(turn, surfaces.forChat(chatId, languageOf(person.locale)), (surface) =>
      runCommand(conversation, action, {}, turn, surface),
    );
  }

  async #begin(
    turn: Turn,
    surface: ReplySurface,
    work: (surface: ReplySurface) => Promise<void>,
  ): Promise<void> {
    const watched = new FirstWord(surface);
    const done = work(watched).catch((error: unknown) => {
      this.#deps.logger.error('turn failed', { channel: turn.channel, ...describeFailure(error) });
    });
    await Promise.race([done, watched.spoken]);
  }
}

/** A surface that tells when its first post has been made (or has failed). */
class FirstWord implements ReplySurface {
  readonly maxMessageLength: number;
  readonly spoken: Promise<void>;
  readonly #inner: ReplySurface;
  #resolve: () => void = () => {};

  constructor(inner: ReplySurface) {
    this.#inner = inner;
    this.maxMessageLength = inner.maxMessageLength;
    this.spoken = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  postStatus(text: string): Promise<StatusMessage> {
    return this.#inner.postStatus(text).finally(this.#resolve);
  }

  postText(text: string, actions?: Action[]): Promise<void> {
    return this.#inner.postText(text, actions).finally(this.#resolve);
  }

  postVideo(video: VideoReply, caption: string, actions?: Action[]): Promise<void> {
    return this.#inner.postVideo(video, caption, actions).finally(this.#resolve);
  }
}
