/**
 * A streaming multipart/form-data body: each file is piped from its source as the request is
 * written, so relaying a 500 MB clip costs a few chunks of memory, not 500 MB.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { NemoError } from './errors.ts';
import type { RequestBody } from './http.ts';

/** A file to upload: what the chat platform told us about it, and a way to read its bytes. */
export interface UploadSource {
  name: string;
  mimeType?: string | undefined;
  /** When known, checked before any byte moves and used for Content-Length. */
  size?: number | undefined;
  open(): Promise<AsyncIterable<Uint8Array>> | AsyncIterable<Uint8Array>;
}

/** Quotes a filename as browsers do (WHATWG): the header cannot be broken out of. */
function quoted(value: string): string {
  return value.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}

function partHeader(boundary: string, field: string, file: UploadSource): Buffer {
  return Buffer.from(
    `--${boundary}\r\n` +
      `Content-Disposition: form-data; name="${field}"; filename="${quoted(file.name)}"\r\n` +
      `Content-Type: ${file.mimeType ?? 'application/octet-stream'}\r\n\r\n`,
  );
}

/**
 * Builds the body for `files`, each sent as a part named `field`. Bytes are counted as they
 * flow: a source longer than `maxBytes` (or than its announced size) stops the upload.
 */
export function multipartBody(field: string, files: UploadSource[], maxBytes: number): RequestBody {
  const boundary = `----nemovideo-bot-${randomBytes(12).toString('hex')}`;
  const headers = files.map((file) => partHeader(boundary, field, file));
  const closing = Buffer.from(`--${boundary}--\r\n`);
  const lineBreak = Buffer.from('\r\n');

  const sizes = files.map((file) => file.size);
  const length = sizes.every((size) => size !== undefined)
    ? headers.reduce(
        (total, header, index) => total + header.length + (sizes[index] ?? 0) + 2,
        closing.length,
      )
    : undefined;

  async function* generate(): AsyncGenerator<Uint8Array> {
    for (const [index, file] of files.entries()) {
      yield headers[index] as Buffer;
      let sent = 0;
      const limit = Math.min(maxBytes, file.size ?? Number.POSITIVE_INFINITY);
      for await (const chunk of await file.open()) {
        sent += chunk.length;
        if (sent > limit) {
          throw new NemoError(`${file.name} is larger than ${limit} bytes`, { key: 'file_too_large' });
        }
        yield chunk;
      }
      if (file.size !== undefined && sent !== file.size) {
        throw new NemoError(`${file.name} ended after ${sent} of ${file.size} bytes`, { key: 'network' });
      }
      yield lineBreak;
    }
    yield closing;
  }

  return {
    stream: Readable.from(generate(), { objectMode: false }),
    contentType: `multipart/form-data; boundary=${boundary}`,
    length,
  };
}
