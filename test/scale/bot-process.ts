/**
 * A bot as a real OS process: the console adapter (`adapters/console/main.ts`) with its standard
 * input kept open, so a test can send a line, wait for what it prints, send the next one, and kill
 * it whenever it likes.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const consoleMain = join(import.meta.dirname, '../../adapters/console/main.ts');

/** A delivered video, as the console prints it: the URL alone on its line. */
export const videoUrlLine = /^http:\/\/127\.0\.0\.1:\d+\/files\/render_\w+\.mp4$/;

export class BotProcess {
  readonly name: string;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #closed: Promise<number | null>;
  #stdout = '';
  #stderr = '';
  #exited = false;

  constructor(name: string, cwd: string, env: Record<string, string>) {
    this.name = name;
    this.#child = spawn(process.execPath, [consoleMain], {
      cwd,
      env: { PATH: process.env.PATH, LANG: 'en_US.UTF-8', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#child.stdout.on('data', (chunk) => {
      this.#stdout += chunk;
    });
    this.#child.stderr.on('data', (chunk) => {
      this.#stderr += chunk;
    });
    // A killed process's stdin may be written to once more by a test; that is not an error here.
    this.#child.stdin.on('error', () => {});
    this.#closed = once(this.#child, 'close').then(([code]) => {
      this.#exited = true;
      return code as number | null;
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get stdout(): string {
    return this.#stdout;
  }

  get stderr(): string {
    return this.#stderr;
  }

  lines(): string[] {
    return this.#stdout.split('\n');
  }

  count(text: string | RegExp): number {
    return this.lines().filter((line) => (typeof text === 'string' ? line === text : text.test(line))).length;
  }

  videoUrls(): string[] {
    return this.lines().filter((line) => videoUrlLine.test(line));
  }

  send(line: string): void {
    this.#child.stdin.write(`${line}\n`);
  }

  /** Waits until `condition` holds (checked every 20 ms), or fails naming what was awaited. */
  async until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (this.#exited) throw new Error(`${this.name} exited while waiting for ${what}:\n${this.#report()}`);
      if (Date.now() > deadline)
        throw new Error(`${this.name}: no ${what} after ${timeoutMs} ms:\n${this.#report()}`);
      await sleep(20);
    }
  }

  /** Waits until the process has printed `line` (exactly, as a line) `times` times in all. */
  waitForLine(line: string, times = 1, timeoutMs?: number): Promise<void> {
    return this.until(() => this.count(line) >= times, `"${line}" ×${times}`, timeoutMs);
  }

  /** Resolves once the bot is up and answering (start-up resume done): it has told its credits. */
  async ready(): Promise<void> {
    const before = this.count(/^💳 Credits:/);
    this.send('/credits');
    await this.until(() => this.count(/^💳 Credits:/) > before, 'answer to /credits');
  }

  /** Ends its input: the console finishes running work and exits. */
  async end(): Promise<number | null> {
    this.#child.stdin.end();
    return this.#closed;
  }

  /** SIGKILL: no shutdown, no clean-up, leases left to expire. */
  async kill(): Promise<void> {
    if (!this.#exited) this.#child.kill('SIGKILL');
    await this.#closed;
  }

  #report(): string {
    return `--- stdout\n${this.#stdout.slice(-3000)}\n--- stderr\n${this.#stderr.slice(-3000)}`;
  }
}
