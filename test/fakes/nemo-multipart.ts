/**
 * A streaming multipart/form-data parser. Each part is counted and hashed as it flows by, so a
 * 500 MB upload never sits in memory: only a header block and a delimiter-sized tail are held
 * (a delimiter may arrive split across two chunks, so that tail waits for the next one).
 */
import { createHash, type Hash } from 'node:crypto';
import type { RecordedPart } from './nemo-types.ts';

const HEADERS_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;

type State = 'preamble' | 'afterDelimiter' | 'headers' | 'body' | 'done';

export class MultipartParser {
  readonly parts: RecordedPart[] = [];
  readonly #delimiter: Buffer;
  // Every delimiter is CRLF + "--" + boundary, except the first, which starts the body: pretend
  // the body starts with a CRLF so that one search finds them all.
  #pending: Buffer = Buffer.from('\r\n');
  #state: State = 'preamble';
  #part: { info: RecordedPart; hash: Hash } | undefined;

  constructor(boundary: string) {
    this.#delimiter = Buffer.from(`\r\n--${boundary}`);
  }

  /** Throws on a malformed body; the caller then stops feeding it. */
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
        if (this.#state === 'body') this.#feed(this.#pending.subarray(0, end));
        if (at < 0) {
          this.#pending = this.#pending.subarray(end);
          return false;
        }
        if (this.#state === 'body') this.#finishPart();
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
        const at = this.#pending.indexOf(HEADERS_END);
        if (at < 0) {
          if (this.#pending.length > MAX_HEADER_BYTES) throw new Error('multipart: part headers too long');
          return false;
        }
        this.#startPart(this.#pending.toString('utf8', 0, at));
        this.#consume(at + HEADERS_END.length, 'body');
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

  #startPart(headerBlock: string): void {
    const headers = new Map<string, string>();
    for (const line of headerBlock.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const disposition = headers.get('content-disposition') ?? '';
    const name = /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw new Error('multipart: part without a name');
    const info: RecordedPart = { name, size: 0, sha256: '' };
    const filename = /(?:^|;)\s*filename="([^"]*)"/i.exec(disposition)?.[1];
    if (filename !== undefined) info.filename = filename;
    const contentType = headers.get('content-type');
    if (contentType !== undefined) info.contentType = contentType;
    this.#part = { info, hash: createHash('sha256') };
  }

  #feed(bytes: Buffer): void {
    if (!this.#part || bytes.length === 0) return;
    this.#part.info.size += bytes.length;
    this.#part.hash.update(bytes);
  }

  #finishPart(): void {
    if (!this.#part) return;
    this.#part.info.sha256 = this.#part.hash.digest('hex');
    this.parts.push(this.#part.info);
    this.#part = undefined;
  }
}
