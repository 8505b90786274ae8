/**
 * A streaming multipart/form-data parser: each part's bytes go to a sink as they arrive, so a
 * 500 MB upload never sits in memory. Only a header block and a delimiter-sized tail are held (a
 * delimiter may arrive split across two chunks, so that tail waits for the next one).
 */

export interface PartHeaders {
  name: string;
  filename?: string | undefined;
  contentType?: string | undefined;
}

/** Receives one part's bytes; `write` may throw to reject the part (and the body). */
export interface PartSink {
  write(bytes: Buffer): void;
  end(): void;
}

const headersEnd = Buffer.from('\r\n\r\n');
const maxHeaderBytes = 16 * 1024;

type State = 'preamble' | 'afterDelimiter' | 'headers' | 'body' | 'done';

export function multipartBoundary(contentType: string | undefined): string | undefined {
  const match = /^multipart\/form-data\b.*?;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return match ? (match[1] ?? match[2]) : undefined;
}

/** A header parameter, quoted (`name="x"`) or bare (`name=x`, as some clients write it). */
function parameter(header: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${name}=(?:"([^"]*)"|([^;\\r\\n]*))`, 'i').exec(header);
  return match ? (match[1] ?? match[2]?.trim()) : undefined;
}

export class MultipartParser {
  readonly #delimiter: Buffer;
  readonly #onPart: (headers: PartHeaders) => PartSink;
  // Every delimiter is CRLF + "--" + boundary, except the first, which starts the body: pretend
  // the body starts with a CRLF so that one search finds them all.
  #pending: Buffer = Buffer.from('\r\n');
  #state: State = 'preamble';
  #sink: PartSink | undefined;

  constructor(boundary: string, onPart: (headers: PartHeaders) => PartSink) {
    this.#delimiter = Buffer.from(`\r\n--${boundary}`);
    this.#onPart = onPart;
  }

  /** Throws on a malformed body (or when a sink refuses its bytes); the caller then stops feeding it. */
  write(chunk: Buffer): void {
    this.#pending = this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk;
    while (this.#advance()) {
      // Each pass consumes one piece of structure; stop when more bytes are needed.
    }
  }

  /** Whether the body ended with the closing delimiter. */
  get complete(): boolean {
    return this.#state === 'done';
  }

  /** Consumes what it can in the current state; false when it needs more bytes. */
  #advance(): boolean {
    switch (this.#state) {
      case 'preamble':
      case 'body': {
        const at = this.#pending.indexOf(this.#delimiter);
        const end = at >= 0 ? at : Math.max(0, this.#pending.length - this.#delimiter.length + 1);
        if (this.#state === 'body' && end > 0) this.#sink?.write(this.#pending.subarray(0, end));
        if (at < 0) {
          this.#pending = this.#pending.subarray(end);
          return false;
        }
        if (this.#state === 'body') this.#sink?.end();
        this.#sink = undefined;
        this.#consume(at + this.#delimiter.length, 'afterDelimiter');
        return true;
      }
      case 'afterDelimiter': {
        if (this.#pending.length < 2) return false;
        const next = this.#pending.toString('latin1', 0, 2);
        if (next === '--') this.#consume(this.#pending.length, 'done');
        else if (next === '\r\n') this.#consume(2, 'headers');
        else throw new Error('multipart: garbage after a delimiter');
        return true;
      }
      case 'headers': {
        const at = this.#pending.indexOf(headersEnd);
        if (at < 0) {
          if (this.#pending.length > maxHeaderBytes) throw new Error('multipart: part headers too long');
          return false;
        }
        this.#sink = this.#onPart(readHeaders(this.#pending.toString('utf8', 0, at)));
        this.#consume(at + headersEnd.length, 'body');
        return true;
      }
      case 'done':
        this.#pending = Buffer.alloc(0); // the epilogue means nothing
        return false;
    }
  }

  #consume(bytes: number, next: State): void {
    this.#pending = this.#pending.subarray(bytes);
    this.#state = next;
  }
}

function readHeaders(block: string): PartHeaders {
  const headers = new Map<string, string>();
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get('content-disposition') ?? '';
  const name = parameter(disposition, 'name');
  if (name === undefined) throw new Error('multipart: part without a name');
  return { name, filename: parameter(disposition, 'filename'), contentType: headers.get('content-type') };
}
