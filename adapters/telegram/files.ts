/**
 * Files people send, as the core's attachments.
 *
 * Nothing is read until the core uploads: `open()` then asks getFile for the path and streams the
 * bytes from the Bot API file endpoint into the NemoVideo upload. That URL carries the bot token,
 * so it stays inside this module: it is never logged, never put in an error, and never offered as
 * a `shareableUrl` (NemoVideo would have to be given the token to fetch it).
 */
import { createReadStream } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { Api } from 'grammy';
import { request } from 'undici';
import { describeError } from '../../src/core/error-messages.ts';
import { formatBytes } from '../../src/core/messages.ts';
import type { Attachment, Language } from '../../src/core/seam.ts';
import { checkAttachments } from '../../src/core/uploads.ts';
import { uploadName } from '../../src/nemo/formats.ts';
import { telegramTexts } from './texts.ts';

export type FileKind = 'photo' | 'document' | 'video' | 'animation' | 'video_note' | 'audio' | 'voice';

/** What a message says about one of its files. */
export interface FileRef {
  kind: FileKind;
  fileId: string;
  uniqueId: string;
  name: string;
  mimeType?: string | undefined;
  size?: number | undefined;
}

export interface TelegramAttachment extends Attachment {
  kind: FileKind;
}

/** The public Bot API's limits; a self-hosted Bot API server raises them (see .env.example). */
export const botApiLimits = { downloadBytes: 20 * 1024 * 1024, uploadBytes: 50 * 1024 * 1024 };

/** Reads files from the Bot API. */
export class FileSource {
  readonly #api: Api;
  readonly #fileRoot: string;

  constructor(api: Api, token: string, apiRoot: string) {
    this.#api = api;
    this.#fileRoot = `${apiRoot}/file/bot${token}`;
  }

  attachment(ref: FileRef): TelegramAttachment {
    return {
      kind: ref.kind,
      // Photos and voice notes come without a name; the MIME type gives the extension.
      name: uploadName(ref.name, ref.mimeType),
      mimeType: ref.mimeType,
      size: ref.size,
      open: () => this.#open(ref.fileId),
      shareableUrl: undefined,
    };
  }

  async #open(fileId: string): Promise<AsyncIterable<Uint8Array>> {
    const file = await this.#api.getFile(fileId);
    if (!file.file_path) throw new Error('Telegram gave no path for the file');
    // A self-hosted Bot API server in --local mode answers with a path on its own disk.
    if (isAbsolute(file.file_path)) return createReadStream(file.file_path);
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(`${this.#fileRoot}/${encodeURI(file.file_path)}`, { method: 'GET' });
    } catch (error) {
      // Transport errors may quote the URL; only their kind leaves this module.
      const code = (error as { code?: unknown }).code;
      throw new Error(`Telegram file download failed (${typeof code === 'string' ? code : 'network error'})`);
    }
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new Error(`Telegram file download failed with HTTP ${response.statusCode}`);
    }
    return response.body;
  }
}

export interface FileLimits {
  /** What the Bot API lets the bot download. */
  downloadBytes: number;
  /** What NemoVideo takes (UPLOAD_MAX_MB). */
  uploadBytes: number;
}

/**
 * The answer for a turn whose files cannot go to NemoVideo, found from what Telegram told us
 * before any byte moves; undefined when every file can go.
 */
export function refusalFor(
  attachments: TelegramAttachment[],
  language: Language,
  limits: FileLimits,
): string | undefined {
  const texts = telegramTexts(language);
  for (const attachment of attachments) {
    if (attachment.kind === 'voice') return texts.voiceUnsupported;
    try {
      checkAttachments([attachment], limits.uploadBytes);
    } catch (error) {
      return describeError(error, language, { uploadMaxBytes: limits.uploadBytes });
    }
    if (attachment.size !== undefined && attachment.size > limits.downloadBytes) {
      return texts.downloadLimit({
        size: formatBytes(attachment.size),
        limit: formatBytes(limits.downloadBytes),
      });
    }
  }
  return undefined;
}
