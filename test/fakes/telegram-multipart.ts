/**
 * Reads a multipart/form-data body the way the Bot API does, for the fake Telegram server. Test
 * files are small, so the body is buffered (up to a limit, past which it is only counted).
 * grammY writes part headers compactly (`content-disposition:form-data;name="x";filename=y.mp4`,
 * filename unquoted), so both quoted and bare parameter values are read.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

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

export function boundaryOf(contentType: string): string | undefined {
  const match = /^multipart\/form-data\b.*?;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]) : undefined;
}

function parameter(header: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${name}=(?:"([^"]*)"|([^;\\r\\n]*))`, 'i').exec(header);
  return match ? (match[1] ?? match[2]?.trim()) : undefined;
}

/** Splits a buffered body into its parts; throws on a body that is not multipart. */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw new Error('multipart: no delimiter');
  for (;;) {
    at += delimiter.length;
    if (body.toString('latin1', at, at + 2) === '--') return parts;
    const start = at + 2; // CRLF after the delimiter
    const next = body.indexOf(delimiter, start);
    if (next < 0) throw new Error('multipart: no closing delimiter');
    const segment = body.subarray(start, next - 2); // minus the CRLF before the delimiter
    const headerEnd = segment.indexOf('\r\n\r\n');
    if (headerEnd < 0) throw new Error('multipart: part without headers');
    const headers = segment.toString('utf8', 0, headerEnd).split('\r\n');
    const header = (name: string) =>
      headers.find((line) => line.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1);
    const disposition = header('content-disposition') ?? '';
    const name = parameter(disposition, 'name');
    if (name === undefined) throw new Error('multipart: part without a name');
    const part: FormPart = { name, data: segment.subarray(headerEnd + 4) };
    const filename = parameter(disposition, 'filename');
    if (filename !== undefined) part.filename = filename;
    const contentType = header('content-type')?.trim();
    if (contentType !== undefined) part.contentType = contentType;
    parts.push(part);
    at = next;
  }
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
