/** Upload sources for files the bot can read itself. */
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { UploadSource } from './multipart.ts';

/** A local file, read lazily and streamed; its size is known up front, so limits apply before upload. */
export function fileSource(path: string, mimeType?: string): UploadSource {
  return {
    name: basename(path),
    mimeType,
    size: statSync(path).size,
    open: () => createReadStream(path, { highWaterMark: 256 * 1024 }),
  };
}
