/**
 * What the bot adds to a turn before NemoVideo hears of it. Turns go through the bot's own entry
 * point (commands/index.ts handleTurn, with the conversation `npm start` builds: SQLite store,
 * logger, NemoVideo client) to the fake NemoVideo in a helper process, one after another so no
 * turn waits for another's lock or queue slot. Each channel's session exists before the measure.
 *
 * Clock: the turn's start is the bot's process.hrtime just before handleTurn is called; the arrival
 * is the fake's process.hrtime when the `/run_sse` request's head has been parsed. On Linux both
 * read CLOCK_MONOTONIC, one clock for every process on the machine, so the difference needs no
 * offset; the benchmark checks it by asking the fake for its clock between two readings of ours.
 */
import { platform } from 'node:os';
import { handleTurn } from '../commands/index.ts';
import type { Store } from '../src/store.ts';
import { Helper } from './ipc.ts';
import { BenchSurface, benchTurn, percentile, startBot } from './support.ts';

export interface Spread {
  p50: number;
  p99: number;
  max: number;
}

export interface OverheadResult {
  turns: number;
  channels: number;
  /** Milliseconds from handleTurn to the `/run_sse` request arriving at the fake. */
  toRunSse: Spread;
  /** Milliseconds from handleTurn to the first status being posted on the surface. */
  toStatus: Spread;
  /** Milliseconds for the whole turn (stream and reply included), for scale. */
  turn: Spread;
  /** Store writes (set, delete) made between a turn's start and its `/run_sse` arrival (median). */
  writesBeforeRunSse: number;
  /** Milliseconds those writes took. */
  writeMs: Spread;
  /** Turns whose `/run_sse` came `slowMs` or later, and how many of them spent most of that in writes. */
  slow: { turns: number; mostlyWriting: number };
  /** How many of the clock checks found the fake's clock between two readings of ours. */
  clockChecks: { passed: number; of: number };
  method: string;
}

const prompt = 'turn my photos into a short clip with some music';
/** What the fake's default chat answers. */
const answer = 'Sure! I made a 5-second clip from your photos.';
const warmUpRounds = 2;

export async function benchOverhead(options: {
  turns: number;
  channels: number;
  slowMs: number;
}): Promise<OverheadResult> {
  const { turns, channels } = options;
  if (platform() !== 'linux')
    throw new Error('the overhead benchmark needs Linux (a shared monotonic clock)');
  const fake = await Helper.start<string>(new URL('./fake-nemo.ts', import.meta.url));
  try {
    const bot = await startBot({ NEMO_API_URL: fake.ready });
    try {
      const { conversation, store } = bot.runtime;
      const writes = recordWrites(store);
      const run = async (index: number) => {
        const surface = new BenchSurface();
        const turn = benchTurn(index % channels, prompt);
        const started = process.hrtime.bigint();
        await handleTurn(conversation, turn, surface);
        const ended = process.hrtime.bigint();
        if (surface.firstStatusNs === undefined || !surface.texts.some((entry) => entry.text === answer)) {
          const said = surface.texts.map((entry) => entry.text).join(' | ');
          throw new Error(
            `turn ${index} did not end with the answer (said: ${said}) ${bot.problems.join('\n')}`,
          );
        }
        return { started, status: surface.firstStatusNs, ended };
      };

      // Every channel gets its session (and the code its warm-up) before anything is measured.
      for (let index = 0; index < channels * warmUpRounds; index += 1) await run(index);
      await fake.call('arrivals');
      writes.length = 0;

      const measured = [];
      for (let index = 0; index < turns; index += 1) measured.push(await run(index));
      const arrivals = await fake.call<bigint[]>('arrivals');
      if (arrivals.length !== turns)
        throw new Error(`the fake saw ${arrivals.length} streams for ${turns} turns`);

      const ms = (from: bigint, to: bigint) => Number(to - from) / 1e6;
      const toRunSse = measured.map((turn, index) => ms(turn.started, arrivals[index] as bigint));
      const writesBefore = measured.map((turn, index) =>
        writes.filter((write) => write.start >= turn.started && write.start <= (arrivals[index] as bigint)),
      );
      const slow = toRunSse.flatMap((value, index) => (value >= options.slowMs ? [index] : []));
      const writing = (index: number) =>
        (writesBefore[index] ?? []).reduce(
          (sum, write) => sum + ms(write.start, write.end ?? write.start),
          0,
        );

      const clockChecks = { passed: 0, of: 20 };
      for (let check = 0; check < clockChecks.of; check += 1) {
        const before = process.hrtime.bigint();
        const theirs = await fake.call<bigint>('clock');
        const after = process.hrtime.bigint();
        if (before <= theirs && theirs <= after) clockChecks.passed += 1;
      }

      return {
        turns,
        channels,
        toRunSse: spread(toRunSse),
        toStatus: spread(measured.map((turn) => ms(turn.started, turn.status))),
        turn: spread(measured.map((turn) => ms(turn.started, turn.ended))),
        writesBeforeRunSse: percentile(
          writesBefore.map((list) => list.length),
          50,
        ),
        writeMs: spread(writesBefore.flat().map((write) => ms(write.start, write.end ?? write.start))),
        slow: {
          turns: slow.length,
          mostlyWriting: slow.filter((index) => writing(index) > (toRunSse[index] as number) / 2).length,
        },
        clockChecks,
        method:
          `${turns} turns, one after another, round-robin over ${channels} channels whose sessions were created in ` +
          `a warm-up of ${channels * warmUpRounds} turns. Each turn is free text through handleTurn into the ` +
          'conversation `npm start` builds (SQLite store, logger at info, NemoVideo client) with a reply surface ' +
          'that only records; the fake NemoVideo runs in a helper process and plays its default chat (a draft, ' +
          'then a short answer). Start: process.hrtime in the bot just before handleTurn. Arrival: ' +
          'process.hrtime in the fake when the `/run_sse` request head is parsed. Both are Linux CLOCK_MONOTONIC, ' +
          `one clock for all processes: in ${clockChecks.passed} of ${clockChecks.of} checks the fake's reading ` +
          "fell between two of the bot's. Before `/run_sse` the bot reads the session state " +
          '(one GET round trip), which it needs to report changes when the stream ends silently or drops.',
      };
    } finally {
      await bot.close();
    }
  } finally {
    fake.close();
  }
}

interface Write {
  start: bigint;
  /** Unset until the write is done. */
  end?: bigint;
}

/** Notes when every write to `store` (set, delete) from now on starts and ends, in the returned array. */
function recordWrites(store: Store): Write[] {
  const writes: Write[] = [];
  for (const method of ['set', 'delete'] as const) {
    const original = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
    Object.defineProperty(store, method, {
      configurable: true,
      value: (...args: unknown[]) => {
        const write: Write = { start: process.hrtime.bigint() };
        writes.push(write);
        return original(...args).finally(() => {
          write.end = process.hrtime.bigint();
        });
      },
    });
  }
  return writes;
}

function spread(values: number[]): Spread {
  return { p50: percentile(values, 50), p99: percentile(values, 99), max: Math.max(...values) };
}
