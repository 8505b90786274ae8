/**
 * Who may run now: one operation per channel, and at most N across the whole bot.
 *
 * A channel's running operation carries an AbortController so /cancel can stop it. Operations over
 * the global cap wait in a FIFO queue and hear their position whenever it changes.
 */

export interface RunningOperation {
  readonly controller: AbortController;
  readonly startedAt: number;
}

export class ChannelLocks {
  readonly #running = new Map<string, RunningOperation>();

  /** Claims the channel; undefined when an operation already runs there. */
  claim(channel: string): RunningOperation | undefined {
    if (this.#running.has(channel)) return undefined;
    const operation = { controller: new AbortController(), startedAt: Date.now() };
    this.#running.set(channel, operation);
    return operation;
  }

  release(channel: string, operation: RunningOperation): void {
    if (this.#running.get(channel) === operation) this.#running.delete(channel);
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
