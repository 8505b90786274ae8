/**
 * Plain messages in a project thread the bot opened continue that project, files included, as
 * if they were sent with /edit. Only with the Message Content intent (DISCORD_MESSAGE_CONTENT):
 * without it Discord hides what members write, and /edit is the way to talk in a thread.
 */
import type { Client, Message } from 'discord.js';
import { handleTurn } from '../../commands/index.ts';
import type { Conversation } from '../../src/core/conversation.ts';
import { languageOf } from '../../src/core/messages.ts';
import type { Logger } from '../../src/log.ts';
import { ChannelTarget } from './posting.ts';
import { DiscordSurface, type SurfaceTiming } from './surface.ts';
import { isProjectThread } from './threads.ts';
import { type LocaleMemory, messageTurn } from './turns.ts';

export interface ThreadMessageContext {
  client: Client<true>;
  conversation: Conversation;
  logger: Logger;
  timing: SurfaceTiming;
  locales: LocaleMemory;
}

export async function handleThreadMessage(context: ThreadMessageContext, message: Message): Promise<void> {
  const { client } = context;
  if (message.author.bot || message.system || message.webhookId) return;
  if (!isProjectThread(message.channel, client)) return;
  const turn = messageTurn(message, client.user.id, context.locales);
  if (!turn.text && turn.attachments.length === 0) return;
  const target = new ChannelTarget(client, message.channelId);
  const missing = await target.missing('send');
  if (missing) {
    // Nobody would hear the answer: leave the project alone rather than spend a request on it.
    context.logger.warn('ignoring a thread message: the bot may not answer there', {
      channel: message.channelId,
      permission: missing,
    });
    return;
  }
  const surface = new DiscordSurface({
    target,
    language: languageOf(turn.person.locale),
    timing: context.timing,
    logger: context.logger,
    personId: message.author.id,
    replyTo: message.id,
  });
  await handleTurn(context.conversation, turn, surface);
}
