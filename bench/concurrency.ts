/**
 * Many channels at once on one bot process: each asks for a video (a long stream of heartbeats, then
 * the answer) and then exports it. The bot side runs in a fresh process of its own, started for
 * this benchmark, so its resident memory is the bot's and not what earlier benchmarks left behind;
 * the fake NemoVideo runs in a helper process of that process.
 *
 *   node bench/concurrency.ts --channels 500 --stream-seconds 60   (started by benchConcurrency)
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { handleTurn } from '../commands/index.ts';
import { Helper, serveHelper } from './ipc.ts';
import { BenchSurface, benchTurn, collectGarbage, MB, round, rssSampler, startBot } from './support.ts';

export interface ConcurrencyOptions {
  channels: number;
  streamSeconds: number;
}

export interface ConcurrencyResult extends ConcurrencyOptions {
  heartbeatMs: number;
  /** Channels that got exactly the one answer, the one video, and a final word on each status. */
  answered: number;
  /** What went wrong in the channels that did not (the first few). */
  failures: string[];
  baselineRssMb: number;
  peakRssMb: number;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  cadenceMs: number;
  statusEdits: number;
  /** The shortest time between two edits of one status (its post counts as the first). */
  minEditGapMs: number;
  seconds: number;
  /** Warnings and errors the bot logged. */
  problems: string[];
}

const heartbeatMs = 1_000;
const prompt = 'turn my photos into a 30-second video with transitions and music';
const answer = 'Here is your 30-second video with transitions and music.';
/** Bytes of the fake's rendered MP4 (test/fakes/nemo-render.ts fakeMp4). */
const videoBytes = 64 * 1024;

/** Runs the benchmark in a fresh bot process and returns its figures. */
export async function benchConcurrency(options: ConcurrencyOptions): Promise<ConcurrencyResult> {
  const bot = await Helper.start(new URL(import.meta.url), [
    '--channels',
    String(options.channels),
    '--stream-seconds',
    String(options.streamSeconds),
  ]);
  try {
    return await bot.call<ConcurrencyResult>('run');
  } finally {
    bot.close();
  }
}

/** The bot process's side: everything that is measured happens here. */
async function runHere(options: ConcurrencyOptions): Promise<ConcurrencyResult> {
  const { channels, streamSeconds } = options;
  const fake = await Helper.start<string>(new URL('./fake-nemo.ts', import.meta.url));
  try {
    await fake.call('streamChats', { seconds: streamSeconds, heartbeatMs, answer });
    // Everything else as configured by default: status edits every 10 s, render polls every 10 s.
    const bot = await startBot({ NEMO_API_URL: fake.ready, MAX_CONCURRENT_OPERATIONS: String(channels) });
    try {
      const { conversation, config } = bot.runtime;
      const surfaces = Array.from({ length: channels }, () => new BenchSurface());

      collectGarbage();
      const baseline = process.memoryUsage().rss;
      const rss = rssSampler();
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const started = performance.now();
      await Promise.all(
        surfaces.map(async (surface, channel) => {
          await handleTurn(conversation, benchTurn(channel, prompt), surface);
          await handleTurn(conversation, benchTurn(channel, 'export'), surface);
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      delay.disable();
      const peak = rss.stop();

      const failures: string[] = [];
      let answered = 0;
      let statusEdits = 0;
      let minEditGapMs = Number.POSITIVE_INFINITY;
      for (const [channel, surface] of surfaces.entries()) {
        const problem = checkChannel(surface);
        if (problem) {
          if (failures.length < 5) failures.push(`channel ${channel}: ${problem}`);
        } else answered += 1;
        for (const status of surface.statuses) {
          statusEdits += status.edits.length - 1;
          for (let index = 1; index < status.edits.length; index += 1) {
            minEditGapMs = Math.min(
              minEditGapMs,
              (status.edits[index] as number) - (status.edits[index - 1] as number),
            );
          }
        }
      }
      const ns = (value: number) => round(value / 1e6, 1);
      return {
        channels,
        streamSeconds,
        heartbeatMs,
        answered,
        failures,
        baselineRssMb: round(baseline / MB),
        peakRssMb: round(peak / MB),
        eventLoopDelayMs: {
          p50: ns(delay.percentile(50)),
          p99: ns(delay.percentile(99)),
          max: ns(delay.max),
        },
        cadenceMs: config.progressIntervalMs,
        statusEdits,
        minEditGapMs: round(minEditGapMs, 1),
        seconds: round(seconds, 1),
        problems: bot.problems,
      };
    } finally {
      await bot.close();
    }
  } finally {
    fake.close();
  }
}

/** Why a channel did not get exactly what it should have; undefined when it did. */
function checkChannel(surface: BenchSurface): string | undefined {
  const texts = surface.texts.map((entry) => entry.text);
  if (texts.length !== 1 || texts[0] !== answer) return `said ${JSON.stringify(texts)}`;
  if (surface.videos.length !== 1) return `got ${surface.videos.length} videos`;
  if (surface.videos[0]?.bytes !== videoBytes) return `got a video of ${surface.videos[0]?.bytes} bytes`;
  if (surface.statuses.length !== 2) return `posted ${surface.statuses.length} statuses`;
  for (const status of surface.statuses) {
    if (status.finishes.length !== 1) return `a status got ${status.finishes.length} final words`;
    if (status.updatesAfterFinish > 0) return 'a status was edited after its final word';
  }
  return undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { channels: { type: 'string' }, 'stream-seconds': { type: 'string' } },
  });
  const options = { channels: Number(values.channels), streamSeconds: Number(values['stream-seconds']) };
  serveHelper(null, { run: () => runHere(options) });
}
