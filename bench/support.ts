/**
 * What the benchmarks share: the bot's own start-up, a reply surface that records timings, memory
 * sampling and small statistics. Helper processes (the fakes) are in ipc.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Action, Attachment, ReplySurface, StatusMessage, Turn, VideoReply } from '../src/core/seam.ts';
import { type Runtime, startRuntime } from '../src/runtime.ts';

export const MB = 1024 * 1024;

export interface Bot {
  runtime: Runtime;
  /** Warnings and errors the bot logged (the log itself is discarded). */
  problems: string[];
  close(): Promise<void>;
}

/**
 * The bot as `npm start` wires it (configuration, SQLite store, logger, NemoVideo client,
 * conversation) against `env`, with its store in a temporary directory. Log lines are formatted
 * as usual and then dropped, so the cost of logging is in the figures but not in the output.
 */
export async function startBot(env: Record<string, string>): Promise<Bot> {
  const dir = await mkdtemp(join(tmpdir(), 'nemo-bench-'));
  const problems: string[] = [];
  const runtime = await startRuntime(
    { STORE_URL: `sqlite://${join(dir, 'bot.sqlite')}`, LOG_LEVEL: 'info', ...env },
    {
      logWrite: (line) => {
        if (problems.length < 20 && /"level":"(warn|error)"/.test(line)) problems.push(line);
      },
    },
  );
  return {
    runtime,
    problems,
    async close() {
      await runtime.conversation.shutdown();
      await runtime.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function benchTurn(channel: number, text: string, attachments: Attachment[] = []): Turn {
  return {
    platform: 'telegram',
    channel: `telegram:${1_000_000 + channel}`,
    person: { id: String(2_000_000 + channel), displayName: 'Bench', locale: 'en-US' },
    text,
    attachments,
  };
}

export interface RecordedStatus {
  text: string;
  /** performance.now() of the post, then of every update (the edits). */
  edits: number[];
  finishes: string[];
  updatesAfterFinish: number;
}

/**
 * A reply surface that does no platform work and records what the core said: when the first status
 * was posted (process.hrtime, the clock shared with the helpers), every status edit's time,
 * every text, and every video (whose bytes it reads to the end, as an adapter would).
 */
export class BenchSurface implements ReplySurface {
  readonly maxMessageLength = 4096;
  firstStatusNs: bigint | undefined;
  readonly statuses: RecordedStatus[] = [];
  readonly texts: Array<{ text: string; actions: Action[] }> = [];
  readonly videos: Array<{ caption: string; bytes: number }> = [];

  async postStatus(text: string): Promise<StatusMessage> {
    this.firstStatusNs ??= process.hrtime.bigint();
    const status: RecordedStatus = { text, edits: [performance.now()], finishes: [], updatesAfterFinish: 0 };
    this.statuses.push(status);
    return {
      update: async () => {
        if (status.finishes.length > 0) status.updatesAfterFinish += 1;
        else status.edits.push(performance.now());
      },
      finish: async (last) => {
        status.finishes.push(last);
      },
    };
  }

  async postText(text: string, actions: Action[] = []): Promise<void> {
    this.texts.push({ text, actions });
  }

  async postVideo(video: VideoReply, caption: string): Promise<void> {
    let bytes = 0;
    for await (const chunk of await video.open()) bytes += (chunk as Buffer).length;
    this.videos.push({ caption, bytes });
  }
}

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

export function round(value: number, digits = 1): number {
  return Number(value.toFixed(digits));
}

/** `global.gc`, exposed at run time when node was started without --expose-gc. */
export function collectGarbage(): void {
  if (!globalThis.gc) setFlagsFromString('--expose-gc');
  (globalThis.gc ?? (runInNewContext('gc') as () => void))();
}

/** Samples the process's RSS until stopped; `peak` includes a last sample taken at stop. */
export function rssSampler(everyMs = 50): { stop(): number; readonly peak: number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      return peak;
    },
    get peak() {
      return peak;
    },
  };
}

/** `ms` with a precision that suits it: 0.42 ms, 3.1 ms, 120 ms. */
export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}
