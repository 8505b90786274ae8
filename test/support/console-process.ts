/**
 * The console adapter as a real child process (`node adapters/console/main.ts`), for tests that
 * need a process to kill, or its exit code and stderr: start-up failures, SIGKILL and restart.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const consoleMain = join(import.meta.dirname, '../../adapters/console/main.ts');

export interface ConsoleProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited and its output is complete. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL: no handler runs, nothing is flushed or closed. */
  kill(): Promise<void>;
}

export interface ConsoleOptions {
  cwd: string;
  env: Record<string, string>;
  /** Lines piped to standard input. */
  input?: string;
  /** Leave standard input open (the console then waits for more lines instead of exiting). */
  keepInputOpen?: boolean;
}

/** The clocks the console runs on in these tests: everything in tens of milliseconds. */
export const quickClocks: Record<string, string> = {
  RENDER_POLL_INTERVAL_SECONDS: '0.05',
  PROGRESS_INTERVAL_SECONDS: '0.05',
  RECOVERY_FIRST_CHECK_SECONDS: '0.05',
  RECOVERY_INTERVAL_SECONDS: '0.05',
  RECOVERY_CHECKS: '3',
  LANG: 'en_US.UTF-8',
};

export function startConsole(options: ConsoleOptions): ConsoleProcess {
  const child = spawn(process.execPath, [consoleMain], {
    cwd: options.cwd,
    // Only what the test gives: nothing from the developer's environment leaks in.
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  if (options.input) child.stdin.write(options.input);
  if (!options.keepInputOpen) child.stdin.end();
  const exited = once(child, 'close').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
