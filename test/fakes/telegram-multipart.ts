/**
 * Reads a multipart/form-data body for the fake Telegram server. Test files are small, so the body
 * is buffered (up to a limit, past which it is only counted). grammY writes part headers compactly
 * (`content-disposition:form-data;name="x";filename=y.mp4`, filename unquoted), which the
 * engine's parser reads too.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { MultipartParser } from '../../src/engine/multipart.ts';

export interface FormPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export interface ReadBody {
  bytes: number;
  /** The body, unless it was over the limit. */
  body: Buffer | undefined;
}

/** Reads the whole request; keeps at most `limit` bytes, counts the rest. */
export async function readLimited(req: IncomingMessage, limit: number): Promise<ReadBody> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes <= limit) chunks.push(chunk);
  }
  return { bytes, body: bytes <= limit ? Buffer.concat(chunks) : undefined };
}

/** Splits a buffered body into its parts with the engine's parser; throws on a body that is not multipart. */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  const parts: FormPart[] = [];
  const parser = new MultipartParser(boundary, (headers) => {
    const chunks: Buffer[] = [];
    return {
      write: (bytes) => chunks.push(bytes),
      end: () => {
        const part: FormPart = { name: headers.name, data: Buffer.concat(chunks) };
        if (headers.filename !== undefined) part.filename = headers.filename;
        if (headers.contentType !== undefined) part.contentType = headers.contentType;
        parts.push(part);
      },
    };
  });
  parser.write(body);
  if (!parser.complete) throw new Error('multipart: no closing delimiter');
  return parts;
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
