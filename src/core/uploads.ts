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

export async function uploadAttachments(
  nemo: NemoClient,
  sessionId: string,
  attachments: Attachment[],
  call: CallOptions,
  logger: Logger,
): Promise<UploadedFile[]> {
  checkAttachments(attachments, nemo.uploadMaxBytes);
  const byUrl = attachments.filter((attachment) => attachment.shareableUrl);
  const streamed = attachments.filter((attachment) => !attachment.shareableUrl);
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
