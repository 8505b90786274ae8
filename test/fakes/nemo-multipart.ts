/**
 * Records multipart parts for the fake NemoVideo: each part is counted and hashed as it flows
 * through the engine's streaming parser, so a 500 MB upload never sits in memory.
 */
import { createHash } from 'node:crypto';
import { MultipartParser } from '../../src/engine/multipart.ts';
import type { RecordedPart } from './nemo-types.ts';

export class PartRecorder {
  readonly parts: RecordedPart[] = [];
  readonly #parser: MultipartParser;

  constructor(boundary: string) {
    this.#parser = new MultipartParser(boundary, (headers) => {
      const part: RecordedPart = { name: headers.name, size: 0, sha256: '' };
      if (headers.filename !== undefined) part.filename = headers.filename;
      if (headers.contentType !== undefined) part.contentType = headers.contentType;
      const hash = createHash('sha256');
      return {
        write: (bytes) => {
          part.size += bytes.length;
          hash.update(bytes);
        },
        end: () => {
          part.sha256 = hash.digest('hex');
          this.parts.push(part);
        },
      };
    });
  }

  /** Throws on a malformed body. */
  write(chunk: Buffer): void {
    this.#parser.write(chunk);
  }

  get complete(): boolean {
    return this.#parser.complete;
  }
}
