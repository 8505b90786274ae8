/**
 * Moves a turn's attachments into the NemoVideo session.
 *
 * Every file is checked before anything moves, so one bad file refuses the turn without a partial
 * upload. Files with a shareable URL are handed over as URLs (the backend fetches them while the
 * signed link is fresh); if that fails, or there is no such URL, the bytes are streamed.
 */
import type { Logger } from '../log.ts';
import {
  assertUploadable,
  type CallOptions,
  isNemoError,
  type NemoClient,
  type UploadedFile,
  type UploadSource,
} from '../nemo/index.ts';
import type { Attachment } from './seam.ts';

/**
 * Control characters and bidirectional overrides: invisible in a chat, they can break log lines
 * and headers, or make `photo\u202Egpj.exe` read as `photoexe.jpg`. Emoji and right-to-left
 * letters are names like any other and stay.
 */
const unsafeInName = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

/** The file name as sent upstream: without control characters, and never just an extension. */
export function cleanFileName(name: string): string {
  const cleaned = name.replace(unsafeInName, '').trim();
  return cleaned === '' || cleaned.startsWith('.') ? `file${cleaned}` : cleaned;
}

function asSource(attachment: Attachment): UploadSource {
  return {
    name: attachment.name,
    mimeType: attachment.mimeType,
    size: attachment.size,
    open: () => attachment.open(),
  };
}

/** Throws the NemoError for the first attachment NemoVideo would refuse. */
export function checkAttachments(attachments: Attachment[], maxBytes: number): void {
  for (const attachment of attachments) assertUploadable(attachment, maxBytes);
}

/** The attachment as it goes upstream: the same file under its clean name. */
function upstream(attachment: Attachment): Attachment {
  return {
    name: cleanFileName(attachment.name),
    mimeType: attachment.mimeType,
    size: attachment.size,
    shareableUrl: attachment.shareableUrl,
    open: () => attachment.open(),
  };
}

/** Throws the NemoError for the first attachment NemoVideo would refuse, judged by its upstream name. */
export function checkUploadable(attachments: Attachment[], maxBytes: number): void {
  checkAttachments(attachments.map(upstream), maxBytes);
}

export async function uploadAttachments(
  nemo: NemoClient,
  sessionId: string,
  attachments: Attachment[],
  call: CallOptions,
  logger: Logger,
): Promise<UploadedFile[]> {
  const files = attachments.map(upstream);
  checkAttachments(files, nemo.uploadMaxBytes);
  const byUrl = files.filter((attachment) => attachment.shareableUrl);
  const streamed = files.filter((attachment) => !attachment.shareableUrl);
  const uploaded: UploadedFile[] = [];
  if (byUrl.length > 0) {
    try {
      uploaded.push(
        ...(await nemo.uploadUrls(
          sessionId,
          byUrl.map((a) => a.shareableUrl as string),
          call,
        )),
      );
    } catch (error) {
      if (
        !isNemoError(error) ||
        ['session_not_found', 'auth', 'cancelled', 'no_credits'].includes(error.key)
      ) {
        throw error;
      }
      logger.warn('URL upload failed, streaming the files instead', { error, files: byUrl.length });
      streamed.unshift(...byUrl);
    }
  }
  if (streamed.length > 0)
    uploaded.push(...(await nemo.uploadFiles(sessionId, streamed.map(asSource), call)));
  return uploaded;
}
