/** `npm start`: the bot with every platform adapter whose configuration is present. */
import type { AdapterStarter, RunningAdapter } from '../adapters/adapter.ts';
import { startDiscord } from '../adapters/discord/index.ts';
import { startTelegram } from '../adapters/telegram/index.ts';
import { runMain, startRuntime } from './runtime.ts';

await runMain(async () => {
  const runtime = await startRuntime();
  const { config, logger, conversation } = runtime;
  const starters: AdapterStarter[] = [];
  if (config.telegram) starters.push(startTelegram);
  if (config.discord) starters.push(startDiscord);
  if (starters.length === 0) {
    logger.warn(
      'no chat platform configured: set TELEGRAM_BOT_TOKEN or DISCORD_TOKEN, or try `npm run console`',
    );
    await runtime.close();
    return;
  }
  const running: RunningAdapter[] = [];
  for (const start of starters) running.push(await start(runtime));
  logger.info('bot started', {
    adapters: running.map((adapter) => adapter.platform),
    nemo: config.nemo.apiUrl,
    token: runtime.nemo.tokenKind,
  });

  // A stop never loses a render: it keeps running at NemoVideo and is resumed at the next start.
  const stop = async (signal: string) => {
    logger.info('stopping', { signal });
    // Statuses get their last word while the platforms can still be reached.
    await conversation.shutdown();
    await Promise.all(running.map((adapter) => adapter.stop()));
    await runtime.close();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(signal));
});
