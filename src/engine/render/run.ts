/**
 * Running one ffmpeg: progress from its own `-progress pipe:1` report (`out_time_us` against the
 * known length), cancellation by AbortSignal (SIGKILL: nothing of a cancelled render is kept), a
 * watchdog for an ffmpeg that stops advancing, and a failure's reason from the tail of stderr.
 */
import { spawn } from 'node:child_process';
import { RenderFailure } from './failure.ts';

export interface RunOptions {
  ffmpeg: string;
  args: string[];
  /** The output's length, to turn ffmpeg's output time into a fraction. */
  durationMs: number;
  signal?: AbortSignal | undefined;
  onProgress?: ((fraction: number) => void) | undefined;
  /** The inputs, in ffmpeg's order: their paths and the names people gave them, for messages. */
  names?: Array<{ path: string; name: string }>;
  /** Killed as stuck when its output time does not advance for this long. */
  stallMs?: number;
}

export const defaultStallMs = 60_000;
const stderrKept = 16 * 1024;

/**
 * Resolves with the tail of stderr when ffmpeg exits 0; rejects with RenderFailure, or with the
 * signal's reason when aborted.
 */
export function runFfmpeg(options: RunOptions): Promise<string> {
  const { signal, onProgress } = options;
  return new Promise<string>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const child = spawn(options.ffmpeg, options.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    let reported = 0;
    let outcome: { error: unknown } | undefined;
    const stop = (error: unknown) => {
      outcome ??= { error };
      child.kill('SIGKILL');
    };

    const stallMs = options.stallMs ?? defaultStallMs;
    let lastAdvance = Date.now();
    const watchdog = setInterval(
      () => {
        if (Date.now() - lastAdvance > stallMs) {
          stop(new RenderFailure(`ffmpeg stopped making progress for ${Math.round(stallMs / 1000)} s`));
        }
      },
      Math.min(1000, stallMs),
    );
    const onAbort = () => stop(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      const lines = stdout.split('\n');
      stdout = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^out_time_(?:us|ms)=(\d+)/.exec(line);
        if (!match) continue;
        const fraction = Math.min(0.999, Number(match[1]) / 1000 / Math.max(1, options.durationMs));
        if (fraction > reported) {
          reported = fraction;
          lastAdvance = Date.now();
          onProgress?.(fraction);
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-stderrKept);
    });

    child.on('error', (error) => stop(new RenderFailure(`ffmpeg could not be started (${error.message})`)));
    child.on('close', (code, killedBy) => {
      clearInterval(watchdog);
      signal?.removeEventListener('abort', onAbort);
      if (outcome) return reject(outcome.error);
      if (code === 0) {
        onProgress?.(1);
        return resolve(stderr);
      }
      const reason = failureReason(stderr, options.names ?? []);
      reject(
        new RenderFailure(
          reason ?? `ffmpeg failed (${killedBy ? `killed by ${killedBy}` : `exit code ${code}`})`,
        ),
      );
    });
  });
}

/** ffmpeg's last words after a failure that say nothing the line before them did not. */
const generic = [
  /^Conversion failed!?$/,
  /^Error while (filtering|processing the decoded data|opening)/,
  /^Error marking filters as finished/,
  /^Cannot determine format of input stream/,
  /^Failed to inject frame into filter network/,
  /^Error reinitializing filters!?$/,
  /^Failed to configure (input|output) pad/,
  /^Error opening filters!?$/,
  /^Invalid argument$/,
  /^Error (configuring|initializing) (complex )?filters?/,
  /^Exiting normally/,
  /^Error opening output files?/,
  /^Nothing was written into output file/,
];

/** The most telling line of ffmpeg's stderr, with paths replaced by the names people gave. */
export function failureReason(
  stderr: string,
  names: Array<{ path: string; name: string }>,
): string | undefined {
  const lines = stderr
    .split('\n')
    .map((line) =>
      line
        .replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/, '')
        .replace(/\[[^\]]*@ 0x[0-9a-f]+\]\s*/g, '')
        .trim(),
    )
    .filter((line) => line.length > 0);
  const telling = lines.filter((line) => !generic.some((pattern) => pattern.test(line)));
  // The cause comes before the generic lines that follow it; the tail holds the latest failure.
  let line = telling.at(-1) ?? lines.at(-1);
  if (!line) return undefined;
  for (const { path, name } of names) line = line.split(path).join(`“${name}”`);
  // "stream #1:0" is the second input.
  line = line.replace(/\b(?:input )?stream #?(\d+):\d+/g, (text, input: string) => {
    const name = names[Number(input)]?.name;
    return name ? `“${name}”` : text;
  });
  line = line.replace(/(?:\/[^\s/:'"]+)+\/?/g, (path) => (path.split('/').length > 2 ? '…' : path));
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
