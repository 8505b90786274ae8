/** `npm start`: the bot with every platform adapter whose configuration is present. */
import { runMain, startRuntime } from './runtime.ts';

await runMain(async () => {
  const runtime = await startRuntime();
  const { config, logger } = runtime;
  const adapters = [config.telegram && 'telegram', config.discord && 'discord'].filter(Boolean);
  if (adapters.length === 0) {
    logger.warn(
      'no chat platform configured: set TELEGRAM_BOT_TOKEN or DISCORD_TOKEN, or try `npm run console`',
    );
  } else {
    logger.info('configuration valid', { adapters, nemo: config.nemo.apiUrl, token: runtime.nemo.tokenKind });
  }
  await runtime.close();
});
