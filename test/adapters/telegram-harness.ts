/**
 * The whole bot against fakes, as `npm start` runs it: a runtime from the environment (fake
 * NemoVideo, SQLite in a temporary directory, short clocks, debug logs captured) and the Telegram
 * adapter pointed at the fake Bot API through TELEGRAM_API_ROOT.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTelegram } from '../../adapters/telegram/index.ts';
import { type Runtime, startRuntime } from '../../src/runtime.ts';
import { type FakeNemo, startFakeNemo } from '../fakes/nemo-server.ts';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram-server.ts';
import { until } from '../support/until.ts';

export interface Bot {
  runtime: Runtime;
  /** Stops like `npm start` on SIGTERM: running work winds down, then the adapter, then the store. */
  stop(): Promise<void>;
}

export interface Harness {
  nemo: FakeNemo;
  telegram: FakeTelegram;
  bot: Bot;
  logLines: string[];
  env: Record<string, string>;
  /** Starts another bot process on the same store and fakes (a restart). */
  startBot(): Promise<Bot>;
  close(): Promise<void>;
}

export async function startHarness(extraEnv: Record<string, string> = {}): Promise<Harness> {
  const nemo = await startFakeNemo();
  const telegram = await startFakeTelegram();
  const dir = mkdtempSync(join(tmpdir(), 'nemo-telegram-'));
  const logLines: string[] = [];
  const env = {
    NEMO_API_URL: nemo.url,
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.url,
    STORE_URL: `sqlite://${join(dir, 'bot.sqlite')}`,
    PROGRESS_INTERVAL_SECONDS: '0.05',
    RENDER_POLL_INTERVAL_SECONDS: '0.05',
    LOG_LEVEL: 'debug',
    ...extraEnv,
  };
  const startBot = async (): Promise<Bot> => {
    const runtime = await startRuntime(env, { logWrite: (line) => logLines.push(line) });
    const adapter = await startTelegram(runtime);
    let stopped: Promise<void> | undefined;
    return {
      runtime,
      stop: () => {
        stopped ??= (async () => {
          await runtime.conversation.shutdown();
          await adapter.stop();
          await runtime.close();
        })();
        return stopped;
      },
    };
  };
  const bots: Bot[] = [];
  const bot = await startBot();
  bots.push(bot);
  return {
    nemo,
    telegram,
    bot,
    logLines,
    env,
    async startBot() {
      const next = await startBot();
      bots.push(next);
      return next;
    },
    async close() {
      for (const running of bots) await running.stop();
      await telegram.close();
      await nemo.close();
    },
  };
}

/** `until` with the condition first, as these tests read. */
export function waitFor<T>(
  check: () => T | undefined | null | false,
  what = 'condition',
  timeoutMs = 8_000,
): Promise<T> {
  return until(what, check, timeoutMs);
}

/** Log records, parsed. */
export function records(logLines: string[]): Array<Record<string, unknown>> {
  return logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
}
