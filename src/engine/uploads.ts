/**
 * Receiving media: bytes are streamed to a temporary file under a generated name while they are
 * identified by their first bytes and counted against the size limit, then probed with ffprobe.
 * No name from the person or the URL ever touches the file system.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Ffmpeg } from './ffmpeg.ts';
import { probeMedia } from './ffmpeg.ts';
import type { MediaItem } from './media.ts';
import { type Sniffed, sniff, sniffLength } from './sniff.ts';

/** Why a file was refused; `code` is the NemoVideo error code the engine answers with. */
export class UploadRefused extends Error {
  readonly code: 4001 | 4002;
  constructor(code: 4001 | 4002, message: string) {
    super(message);
    this.name = 'UploadRefused';
    this.code = code;
  }
}

/** One incoming file: feed it bytes, then `finish` it into a MediaItem (or `discard` it). */
export class IncomingMedia {
  readonly #dir: string;
  readonly #name: string;
  readonly #maxBytes: number;
  readonly #id = randomBytes(16).toString('hex');
  readonly #temporary: string;
  #file: WriteStream | undefined;
  #head = Buffer.alloc(0);
  #sniffed: Sniffed | undefined;
  #bytes = 0;

  constructor(mediaDir: string, name: string, maxBytes: number) {
    this.#dir = mediaDir;
    this.#name = name;
    this.#maxBytes = maxBytes;
    this.#temporary = join(mediaDir, `${this.#id}.part`);
  }

  /** Takes the next bytes; throws UploadRefused for an unknown format or too many bytes. */
  write(bytes: Buffer): void {
    this.#bytes += bytes.length;
    if (this.#bytes > this.#maxBytes) throw new UploadRefused(4002, `${this.#name} is larger than the limit`);
    if (!this.#file) {
      this.#head = Buffer.concat([this.#head, bytes]);
      if (this.#head.length < sniffLength) return;
      this.#open();
      return;
    }
    this.#file.write(bytes);
  }

  /** Resolves when the file has room for more bytes (backpressure for the request being read). */
  async drained(): Promise<void> {
    const file = this.#file;
    if (file?.writableNeedDrain) await new Promise<void>((resolve) => file.once('drain', () => resolve()));
  }

  #open(): void {
    this.#sniffed = sniff(this.#head);
    if (!this.#sniffed)
      throw new UploadRefused(4001, `${this.#name} is not a supported image, video or audio file`);
    this.#file = createWriteStream(this.#temporary);
    this.#file.write(this.#head);
    this.#head = Buffer.alloc(0);
  }

  async finish(ff: Ffmpeg): Promise<MediaItem> {
    if (!this.#file) this.#open(); // files shorter than the sniffing window
    const file = this.#file as WriteStream;
    await new Promise<void>((resolve, reject) =>
      file.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    if (this.#bytes === 0) throw new UploadRefused(4001, `${this.#name} is empty`);
    const path = join(this.#dir, this.#id);
    await rename(this.#temporary, path);
    try {
      const probed = await probeMedia(ff, path);
      return { id: this.#id, name: this.#name, ...probed, kind: (this.#sniffed as Sniffed).kind };
    } catch {
      await rm(path, { force: true });
      throw new UploadRefused(4001, `${this.#name} could not be read as media`);
    }
  }

  async discard(): Promise<void> {
    this.#file?.destroy();
    await rm(this.#temporary, { force: true });
  }
}
