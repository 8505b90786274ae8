/**
 * A live status on Discord: one message edited in place, never more often than the edit interval
 * (5 s in production), with the newest text winning. The last word (`finish`) is always shown:
 * it waits for the interval, and if the message can no longer be edited it is posted anew.
 *
 * A status that lives in the interaction's reply moves to an ordinary channel message once the
 * interaction token is about to die, so a 15-minute job still ends with a visible last word.
 */

import type { StatusMessage } from '../../src/core/seam.ts';
import type { Logger } from '../../src/log.ts';
import { loggable, safeError } from './errors.ts';
import type { Payload, Posted } from './posting.ts';

/** What a status needs from the surface it belongs to. */
export interface StatusHost {
  /** The interaction token may still be used for edits (false well before it dies). */
  tokenFresh(): boolean;
  /** The token has not died yet. */
  tokenAlive(): boolean;
  /** Posts `text` as an ordinary channel message, or undefined when the bot may not. */
  postInChannel(payload: Payload): Promise<Posted | undefined>;
  /** Posts `text` wherever this turn's replies go now. */
  post(payload: Payload): Promise<Posted | undefined>;
  /** Tells the old message the status continues below (best effort). */
  handOver(old: Posted): Promise<void>;
}

export interface LiveStatusOptions {
  host: StatusHost;
  logger: Logger;
  minEditIntervalMs: number;
  /** The message the status lives in; undefined when it could not be posted. */
  posted: Posted | undefined;
  /** What that message shows now, and when it last changed (for the interval). */
  shown: string;
  shownAt: number;
}

export class LiveStatus implements StatusMessage {
  readonly #host: StatusHost;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  #posted: Posted | undefined;
  #shown: string;
  #shownAt: number;
  /** The newest text not shown yet. */
  #wanted: string | undefined;
  /** An edit is queued; later updates only change its text. */
  #scheduled = false;
  /** Edits run one after another, in order. */
  #chain: Promise<void> = Promise.resolve();
  #finished = false;
  /** Moving to a channel message was impossible; stay in the interaction while its token lives. */
  #stuck = false;

  constructor(options: LiveStatusOptions) {
    this.#host = options.host;
    this.#logger = options.logger;
    this.#intervalMs = options.minEditIntervalMs;
    this.#posted = options.posted;
    this.#shown = options.shown;
    this.#shownAt = options.shownAt;
  }

  async update(text: string): Promise<void> {
    if (this.#finished) return;
    // Unchanged text needs no edit, unless the status must leave a reply whose token runs out.
    this.#wanted = text === this.#shown && !this.#mustMove() ? undefined : text;
    if (this.#wanted === undefined || this.#scheduled) return;
    this.#scheduled = true;
    this.#chain = this.#chain.then(async () => {
      await this.#pause();
      this.#scheduled = false;
      await this.#flush();
    });
  }

  async finish(text: string): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    this.#wanted = undefined;
    const last = this.#chain.then(async () => {
      await this.#pause();
      await this.#show(text, true);
    });
    this.#chain = last;
    await last.catch((error: unknown) => {
      throw safeError(error);
    });
  }

  /** Waits until the message may be edited again (measured from its last change, once edits in flight are done). */
  #pause(): Promise<void> {
    const wait = this.#shownAt + this.#intervalMs - performance.now();
    return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
  }

  async #flush(): Promise<void> {
    const text = this.#wanted;
    this.#wanted = undefined;
    if (text === undefined || this.#finished) return;
    try {
      await this.#show(text, false);
    } catch (error) {
      // A missed progress edit is harmless; the next one (or the last word) follows.
      this.#logger.warn('status edit failed', { error: loggable(error) });
    }
  }

  #mustMove(): boolean {
    return this.#posted?.via === 'interaction' && !this.#stuck && !this.#host.tokenFresh();
  }

  async #show(text: string, final: boolean): Promise<void> {
    const posted = this.#posted;
    if (posted && this.#mustMove()) {
      const moved = await this.#host.postInChannel({ content: text });
      if (moved) {
        await this.#host.handOver(posted);
        this.#shownAt = performance.now();
        this.#posted = moved;
        this.#shown = text;
        return;
      }
      this.#stuck = true;
    }
    if (posted && (posted.via === 'channel' || this.#host.tokenAlive())) {
      try {
        await posted.edit(text);
        this.#shownAt = performance.now();
        this.#shown = text;
        return;
      } catch (error) {
        if (!final) throw error;
        this.#logger.warn('could not edit the status for its last word; posting it instead', {
          error: loggable(error),
        });
      }
    } else if (!final) {
      return;
    }
    this.#posted = await this.#host.post({ content: text });
    this.#shownAt = performance.now();
    this.#shown = text;
  }
}
