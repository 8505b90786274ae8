/**
 * Start-up shared by every entry point (the bot, the console, benchmarks): configuration, logger,
 * store and NemoVideo client, each failing with one clear message instead of a stack trace.
 */
import packageJson from '../package.json' with { type: 'json' };
import { type Config, ConfigError, loadDotEnv, parseConfig } from './config.ts';
import { Conversation } from './core/conversation.ts';
import { FfmpegMissing } from './engine/ffmpeg.ts';
import { type RunningEngine, startEngine } from './engine/index.ts';
import { createLogger, type Logger, registerSecret } from './log.ts';
import { createNemoClient, type NemoClient } from './nemo/index.ts';
import { openStore, type Store, StoreError } from './store.ts';

export interface Runtime {
  config: Config;
  logger: Logger;
  store: Store;
  nemo: NemoClient;
  conversation: Conversation;
  close(): Promise<void>;
}

export const packageVersion: string = packageJson.version;

export interface RuntimeOptions {
  /** Where log lines go (default: stderr); tests capture them here. */
  logWrite?: ((line: string) => void) | undefined;
}

export async function startRuntime(
  env: NodeJS.ProcessEnv = process.env,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const config = parseConfig(env, packageVersion);
  for (const secret of [
    config.nemo.token,
    config.telegram?.token,
    config.telegram?.webhook?.secret,
    config.discord?.token,
  ])
    registerSecret(secret);
  const logger = createLogger({ level: config.logLevel, write: options.logWrite });
  const engine = config.engine.run ? await startLocalEngine(config, logger) : undefined;
  const nemoConfig = engine ? { ...config.nemo, apiUrl: engine.url } : config.nemo;
  const store = await openStore(config.storeUrl);
  const nemo = createNemoClient(nemoConfig, store, logger.child({ component: 'nemo' }));
  const conversation = new Conversation({
    nemo,
    store,
    logger: logger.child({ component: 'core' }),
    progressIntervalMs: config.progressIntervalMs,
    renderPollIntervalMs: config.nemo.renderPollIntervalMs,
    renderTimeoutMs: config.nemo.renderTimeoutMs,
    recovery: config.recovery,
    access: config.access,
    maxConcurrentOperations: config.access.maxConcurrentOperations,
    turnLimits: config.turnLimits,
    leaseTtlMs: config.storeLeaseMs,
  });
  return {
    config,
    logger,
    store,
    nemo,
    conversation,
    async close() {
      await nemo.close();
      await store.disconnect();
      await engine?.close();
    },
  };
}

/** NEMO_API_URL=local: the engine runs inside the bot, on a free loopback port. */
function startLocalEngine(config: Config, logger: Logger): Promise<RunningEngine> {
  return startEngine({
    dataDir: config.engine.dataDir,
    host: '127.0.0.1',
    port: 0,
    maxUploadBytes: config.nemo.uploadMaxBytes,
    logger: logger.child({ component: 'engine' }),
  });
}

/** Runs an entry point; configuration and store problems end the process with their message only. */
export async function runMain(main: () => Promise<void>): Promise<void> {
  try {
    loadDotEnv();
    await main();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StoreError || error instanceof FfmpegMissing) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}
