/** Waiting in tests for something that happens over real sockets, without fixed sleeps. */
import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `check` until it returns something truthy; fails naming `what` after `timeoutMs`. */
export async function until<T>(
  what: string,
  check: () => T | undefined | null | false,
  timeoutMs = 8_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
