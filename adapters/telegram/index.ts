/**
 * The Telegram adapter: a grammY bot that turns messages, albums and button presses into the
 * core's turns, and answers through a reply surface per chat.
 *
 *   updates ─ sequentialize(chat) ─┬─ message ─ album? ─ AlbumBuffer ─┐
 *                                  │                                  ├─ Dispatcher ─ core
 *                                  └─ callback_query ─────────────────┘
 *
 * Start: getMe, the command menu, the renders and chats a previous run left unfinished, then long
 * polling (or the webhook). Stop: no more updates; running work was already wound down by the core.
 */
import { sequentialize } from '@grammyjs/runner';
import type { AdapterStarter } from '../adapter.ts';
import { AlbumBuffer } from './albums.ts';
import { createClients, describeFailure } from './api.ts';
import { registerCommands } from './commands.ts';
import { Dispatcher } from './dispatch.ts';
import { botApiLimits, FileSource } from './files.ts';
import { EditPacer } from './pacing.ts';
import { startPolling } from './polling.ts';
import { actionOf, Surfaces } from './surface.ts';
import { readMessage } from './turns.ts';
import { startWebhook } from './webhook.ts';

export const startTelegram: AdapterStarter = async (runtime) => {
  const config = runtime.config.telegram;
  if (!config) throw new Error('The Telegram adapter needs TELEGRAM_BOT_TOKEN');
  const logger = runtime.logger.child({ component: 'telegram' });
  const { bot, statusApi } = createClients(config.token, config.apiRoot, logger);
  await bot.init().catch((error: unknown) => {
    const reason = describeFailure(error);
    throw new Error(
      `Telegram: could not reach the bot (${String(reason.description ?? reason.error)}); check TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT`,
    );
  });
  const me = { id: bot.botInfo.id, username: bot.botInfo.username };

  const surfaces = new Surfaces({
    api: bot.api,
    statusApi,
    pacer: new EditPacer(),
    logger,
    maxUploadBytes: config.maxUploadBytes ?? botApiLimits.uploadBytes,
  });
  const dispatcher = new Dispatcher({
    conversation: runtime.conversation,
    surfaces,
    files: new FileSource(bot.api, config.token, config.apiRoot),
    limits: {
      downloadBytes: config.maxDownloadBytes ?? botApiLimits.downloadBytes,
      uploadBytes: runtime.nemo.uploadMaxBytes,
    },
    logger,
  });
  const albums = new AlbumBuffer((album) => dispatcher.message(album));

  // One chat's updates in order, different chats concurrently.
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  bot.on('message', async (ctx) => {
    const incoming = readMessage(ctx.message, me);
    if (!incoming) return;
    if (incoming.mediaGroupId) return albums.add(incoming);
    await albums.flush(incoming.chatId);
    await dispatcher.message(incoming);
  });
  bot.on('callback_query:data', async (ctx) => {
    // Answered first, so the button stops spinning whatever the command does.
    await ctx.answerCallbackQuery().catch((error: unknown) => {
      logger.debug('callback answer failed', describeFailure(error));
    });
    const action = actionOf(ctx.callbackQuery.data);
    const chatId = ctx.callbackQuery.message?.chat.id;
    if (!action || chatId === undefined) return;
    await albums.flush(chatId);
    await dispatcher.action(action, chatId, ctx.callbackQuery.from);
  });
  bot.catch((error) => {
    logger.error('update handling failed', {
      updateId: error.ctx.update.update_id,
      ...describeFailure(error.error),
    });
  });

  await registerCommands(bot.api, logger);
  // Before any update is taken: a message sent while the bot was down must not claim a chat
  // whose interrupted request is still to be reported (its record would be lost).
  const resumed = await runtime.conversation.resumeRenders('telegram', surfaces.forChannel);
  const transport = config.webhook
    ? await startWebhook(bot, config.webhook, logger)
    : await startPolling(bot, logger);
  logger.info('telegram bot started', { username: me.username, resumedRenders: resumed });

  return {
    platform: 'telegram',
    async stop() {
      await transport.stop();
      const dropped = albums.stop();
      if (dropped > 0) logger.warn('albums still being collected were dropped at stop', { albums: dropped });
      logger.info('telegram bot stopped');
    },
  };
};
