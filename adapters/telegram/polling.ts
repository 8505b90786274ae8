/**
 * Long polling with @grammyjs/runner: updates of different chats are handled concurrently, while
 * the `sequentialize` middleware installed in index.ts keeps one chat's updates in order.
 */
import { run } from '@grammyjs/runner';
import type { Bot } from 'grammy';
import type { Logger } from '../../src/log.ts';
import { describeFailure } from './api.ts';

export interface Transport {
  stop(): Promise<void>;
}

export const allowedUpdates = ['message', 'callback_query'] as const;

export async function startPolling(bot: Bot, logger: Logger): Promise<Transport> {
  // A webhook left by an earlier run in webhook mode would make every getUpdates fail (409).
  await bot.api.deleteWebhook();
  const runner = run(bot, {
    // `silent`: the runner would print fetch errors to the console, unscrubbed; api.ts logs them.
    runner: { fetch: { timeout: 30, allowed_updates: allowedUpdates }, silent: true },
  });
  runner.task()?.catch((error: unknown) => {
    logger.error('long polling stopped: check TELEGRAM_BOT_TOKEN, or whether another bot process polls', {
      ...describeFailure(error),
    });
  });
  logger.info('long polling started');
  return {
    async stop() {
      if (runner.isRunning()) await runner.stop();
    },
  };
}
