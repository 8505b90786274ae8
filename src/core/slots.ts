/**
 * Who may run now: one operation per channel, and at most N across the whole bot.
 *
 * A channel's running operation carries an AbortController so /cancel can stop it. "One per
 * channel" holds across processes too: the channel is also claimed as a lease in the store (see
 * src/leases.ts), renewed while the operation runs, so a second bot process sharing the store
 * answers "busy" and a crashed process frees the channel when its lease expires. Operations over
 * the global cap (per process) wait in a FIFO queue and hear their position whenever it changes.
 */
import { randomUUID } from 'node:crypto';
import { type Leases, ProcessLeases } from '../leases.ts';
import type { Logger } from '../log.ts';
import { shuttingDown } from './render-jobs.ts';

export interface RunningOperation {
  readonly controller: AbortController;
  readonly startedAt: number;
  /**
   * Renews the channel's lease now. False when it was lost (another process may have taken the
   * channel over): the operation is then aborted as at a shutdown, so its work is left for the
   * new holder. Call it before an effect that must happen once, such as delivering a video.
   */
  confirm(): Promise<boolean>;
}

export interface ChannelLocksOptions {
  /** Where channel leases live; default: this process only. */
  leases?: Leases;
  /** How long a lease outlives its last renewal; renewed every third of it. */
  leaseTtlMs?: number;
  logger?: Logger;
}

export const defaultLeaseTtlMs = 30_000;

/** Identifies this process's lease holders in the store (one owner per operation). */
const processOwner = `${process.pid}-${randomUUID().slice(0, 8)}`;
let operationCount = 0;

export const channelLeaseKey = (channel: string) => `channel:${channel}`;

class HeldChannel implements RunningOperation {
  readonly controller = new AbortController();
  readonly startedAt = Date.now();
  readonly owner: string;
  readonly #key: string;
  readonly #locks: { leases: Leases; ttlMs: number; logger: Logger | undefined };
  #timer: NodeJS.Timeout | undefined;
  #lost = false;

  constructor(channel: string, locks: { leases: Leases; ttlMs: number; logger: Logger | undefined }) {
    operationCount += 1;
    this.owner = `${processOwner}-${operationCount}`;
    this.#key = channelLeaseKey(channel);
    this.#locks = locks;
  }

  claim(): Promise<boolean> {
    return this.#locks.leases.claim(this.#key, this.owner, this.#locks.ttlMs);
  }

  keepRenewed(): void {
    this.#timer = setInterval(() => void this.#renew(), Math.max(10, this.#locks.ttlMs / 3));
    this.#timer.unref();
  }

  async #renew(): Promise<boolean> {
    if (this.#lost) return false;
    try {
      if (await this.#locks.leases.renew(this.#key, this.owner, this.#locks.ttlMs)) return true;
      this.#lose('lease taken over or expired');
    } catch (error) {
      this.#locks.logger?.warn('channel lease not renewed, retrying', { lease: this.#key, error });
    }
    return false;
  }

  #lose(reason: string): void {
    if (this.#lost) return;
    this.#lost = true;
    clearInterval(this.#timer);
    this.#locks.logger?.warn('channel lease lost', { lease: this.#key, reason });
  }

  async confirm(): Promise<boolean> {
    if (!this.#lost && (await this.#renew())) return true;
    // Unsure whether it is still ours: leave the work to whoever holds (or next claims) the channel.
    this.#lose('could not be confirmed');
    this.controller.abort(shuttingDown);
    return false;
  }

  async release(): Promise<void> {
    clearInterval(this.#timer);
    if (this.#lost) return;
    await this.#locks.leases.release(this.#key, this.owner).catch((error: unknown) => {
      this.#locks.logger?.warn('channel lease not released; it expires by itself', {
        lease: this.#key,
        error,
      });
    });
  }
}

export class ChannelLocks {
  readonly #running = new Map<string, HeldChannel>();
  readonly #locks: { leases: Leases; ttlMs: number; logger: Logger | undefined };

  constructor(options: ChannelLocksOptions = {}) {
    this.#locks = {
      leases: options.leases ?? new ProcessLeases(),
      ttlMs: options.leaseTtlMs ?? defaultLeaseTtlMs,
      logger: options.logger,
    };
  }

  /**
   * Claims the channel here and in the store; undefined when an operation already runs there, in
   * this process or another. Rejects when the store cannot be reached.
   */
  async claim(channel: string): Promise<RunningOperation | undefined> {
    if (this.#running.has(channel)) return undefined;
    // Reserved locally before the store answers, so a second turn in this process is busy at once.
    const operation = new HeldChannel(channel, this.#locks);
    this.#running.set(channel, operation);
    let claimed = false;
    try {
      claimed = await operation.claim();
    } finally {
      if (!claimed) this.#running.delete(channel);
    }
    if (!claimed) return undefined;
    operation.keepRenewed();
    return operation;
  }

  async release(channel: string, operation: RunningOperation): Promise<void> {
    const held = this.#running.get(channel);
    if (held !== operation) return;
    try {
      await held.release();
    } finally {
      this.#running.delete(channel);
    }
  }

  running(channel: string): RunningOperation | undefined {
    return this.#running.get(channel);
  }

  abortAll(reason: unknown): void {
    for (const operation of this.#running.values()) operation.controller.abort(reason);
  }
}

interface Waiter {
  grant: () => void;
  onPosition: (position: number) => void;
}

export class ConcurrencyLimit {
  readonly #capacity: number;
  #active = 0;
  readonly #queue: Waiter[] = [];

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /**
   * Resolves when a slot is free. `onPosition` hears 1, 2, … while waiting (never when a slot is
   * free at once). Aborting the signal leaves the queue.
   */
  acquire(onPosition: (position: number) => void, signal?: AbortSignal): Promise<() => void> {
    const release = () => this.#release();
    if (this.#active < this.#capacity) {
      this.#active += 1;
      return Promise.resolve(once(release));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', leave);
          resolve(once(release));
        },
        onPosition,
      };
      const leave = () => {
        const index = this.#queue.indexOf(waiter);
        if (index >= 0) this.#queue.splice(index, 1);
        this.#announcePositions(index);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', leave, { once: true });
      this.#queue.push(waiter);
      onPosition(this.#queue.length);
    });
  }

  #release(): void {
    const next = this.#queue.shift();
    if (next) {
      next.grant();
      this.#announcePositions(0);
    } else {
      this.#active -= 1;
    }
  }

  #announcePositions(from: number): void {
    for (let index = Math.max(0, from); index < this.#queue.length; index += 1) {
      this.#queue[index]?.onPosition(index + 1);
    }
  }

  get waiting(): number {
    return this.#queue.length;
  }
}

function once(release: () => void): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    release();
  };
}
