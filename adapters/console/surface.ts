/**
 * The console's reply surface. In a terminal the status line stays at the bottom and is redrawn in
 * place; piped, every status change is its own line and no control codes are written.
 */
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Action, ReplySurface, StatusMessage, VideoReply } from '../../src/core/seam.ts';

const clearLine = '\r\x1b[2K';

/** Buttons become the commands they stand for. */
function actionHint(actions: Action[]): string {
  return actions.length > 0 ? `\n  → ${actions.map((action) => `/${action}`).join('  ')}` : '';
}

export class ConsoleSurface implements ReplySurface {
  readonly maxMessageLength = 4000;
  readonly #out: NodeJS.WritableStream;
  readonly #interactive: boolean;
  readonly #downloadDir: string;
  /** The live status line (terminal only), redrawn below anything else printed. */
  #live: string | undefined;

  constructor(out: NodeJS.WritableStream & { isTTY?: boolean }, downloadDir: string) {
    this.#out = out;
    this.#interactive = out.isTTY === true;
    this.#downloadDir = downloadDir;
  }

  async postStatus(text: string): Promise<StatusMessage> {
    let finished = false;
    this.#showStatus(text);
    return {
      update: async (next) => {
        if (!finished) this.#showStatus(next);
      },
      finish: async (last) => {
        finished = true;
        if (this.#interactive) {
          this.#live = undefined;
          this.#out.write(`${clearLine}${last}\n`);
        } else {
          this.#out.write(`${last}\n`);
        }
      },
    };
  }

  async postText(text: string, actions: Action[] = []): Promise<void> {
    this.#print(text + actionHint(actions));
  }

  async postVideo(video: VideoReply, caption: string, actions: Action[] = []): Promise<void> {
    this.#print(caption);
    // The URL (or the saved file) alone on its line, so scripts can pick it up.
    let location = video.url;
    if (!location) {
      location = resolve(this.#downloadDir, video.fileName);
      await pipeline(await video.open(), createWriteStream(location));
    }
    this.#print(location + actionHint(actions));
  }

  #showStatus(text: string): void {
    if (!this.#interactive) {
      this.#out.write(`${text}\n`);
      return;
    }
    this.#live = text;
    this.#out.write(`${clearLine}${text}`);
  }

  #print(text: string): void {
    if (!this.#interactive || this.#live === undefined) {
      this.#out.write(`${text}\n`);
      return;
    }
    this.#out.write(`${clearLine}${text}\n${this.#live}`);
  }
}
