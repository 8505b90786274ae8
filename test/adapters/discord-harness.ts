/**
 * The whole bot with its Discord adapter, over real sockets: the runtime from `startRuntime` (as
 * `npm start` builds it), a discord.js client connected to the fake Discord, the fake NemoVideo,
 * an SQLite store in a temporary directory, short clocks, and every log line kept.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningAdapter } from '../../adapters/adapter.ts';
import { createDiscordStarter, type DiscordAdapterOptions } from '../../adapters/discord/index.ts';
import { type Runtime, startRuntime } from '../../src/runtime.ts';
import { type FakeDiscord, type FakeDiscordOptions, startFakeDiscord } from '../fakes/discord-server.ts';
import { type FakeNemo, startFakeNemo } from '../fakes/nemo-server.ts';

/** The shortest time between two edits of one status in these tests (5 s in production). */
export const editIntervalMs = 120;

export interface DiscordBotSetup {
  env?: Record<string, string>;
  adapter?: DiscordAdapterOptions;
  discord?: FakeDiscordOptions;
  /** Reuse fakes and the store of an earlier bot (a restart). */
  reuse?: { discord: FakeDiscord; nemo: FakeNemo; storeDir: string; logs: string[] };
}

export interface DiscordBot {
  discord: FakeDiscord;
  nemo: FakeNemo;
  runtime: Runtime;
  adapter: RunningAdapter;
  storeDir: string;
  logs: string[];
  /** Stops the bot as `npm start` does on SIGTERM (the fakes keep running). */
  stop(): Promise<void>;
  /** Stops the bot and the fakes. */
  close(): Promise<void>;
}

export async function startDiscordBot(setup: DiscordBotSetup = {}): Promise<DiscordBot> {
  const discord = setup.reuse?.discord ?? (await startFakeDiscord(setup.discord));
  const nemo = setup.reuse?.nemo ?? (await startFakeNemo());
  const storeDir = setup.reuse?.storeDir ?? mkdtempSync(join(tmpdir(), 'nemo-discord-'));
  const logs = setup.reuse?.logs ?? [];
  const runtime = await startRuntime(
    {
      NEMO_API_URL: nemo.url,
      STORE_URL: `sqlite://${join(storeDir, 'bot.sqlite')}`,
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_REST_API: discord.restApi,
      DISCORD_MESSAGE_CONTENT: 'true',
      PROGRESS_INTERVAL_SECONDS: '0.05',
      RENDER_POLL_INTERVAL_SECONDS: '0.05',
      REQUEST_TIMEOUT_SECONDS: '5',
      LOG_LEVEL: 'debug',
      ...setup.env,
    },
    { logWrite: (line) => logs.push(line) },
  );
  const adapter = await createDiscordStarter({
    now: discord.clock.now,
    minEditIntervalMs: editIntervalMs,
    connectTimeoutMs: 5_000,
    ...setup.adapter,
  })(runtime).catch(async (error: unknown) => {
    await runtime.close();
    throw error;
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await runtime.conversation.shutdown();
    await adapter.stop();
    await runtime.close();
  };
  return {
    discord,
    nemo,
    runtime,
    adapter,
    storeDir,
    logs,
    stop,
    async close() {
      await stop();
      await discord.close();
      await nemo.close();
    },
  };
}

export { until } from '../support/until.ts';
