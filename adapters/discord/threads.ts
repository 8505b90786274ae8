/**
 * One thread per project. `/video` in a text channel turns its reply into the first message of a
 * new public thread named after the prompt: the channel shows the live status with the thread
 * under it, and the thread holds the conversation, so the channel stays readable and the thread
 * is the session. Where a thread is not possible the channel itself holds the project.
 */
import {
  type Channel,
  ChannelType,
  type ChatInputCommandInteraction,
  type Client,
  ThreadAutoArchiveDuration,
} from 'discord.js';
import type { Logger } from '../../src/log.ts';
import { isPermissionError, loggable } from './errors.ts';
import { missingPermission, type PermissionName } from './permissions.ts';

/** Discord's limit on a thread name. */
export const threadNameLimit = 100;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The prompt on one line, within Discord's limit counted in UTF-16 units (the strictest reading),
 * cut after a whole word where one ends late enough, and never inside a character.
 */
export function threadName(prompt: string, fallback: string): string {
  const line = prompt.replace(/\s+/g, ' ').trim();
  if (!line) return fallback;
  if (line.length <= threadNameLimit) return line;
  let cut = '';
  for (const { segment } of graphemes.segment(line)) {
    if (cut.length + segment.length > threadNameLimit - 1) break;
    cut += segment;
  }
  const atSpace = cut.lastIndexOf(' ');
  return `${atSpace > threadNameLimit / 2 ? cut.slice(0, atSpace) : cut}…`;
}

/** A thread the bot opened for a project (a plain message there continues the project). */
export function isProjectThread(channel: Channel, client: Client<true>): boolean {
  return channel.isThread() && channel.ownerId === client.user.id;
}

export type ProjectPlace =
  /** The thread was opened from the reply, which shows `shown`. */
  | { kind: 'thread'; threadId: string; shown: string; shownAt: number }
  /** The channel holds the project; `missing` names the permission a thread would have needed. */
  | { kind: 'channel'; missing?: PermissionName | undefined };

/**
 * Opens the project's thread from the interaction's reply (after writing `firstLine` in it, so
 * the thread's first message is not an empty "thinking…"), when the channel and the bot's
 * permissions allow it.
 */
export async function openProjectThread(
  interaction: ChatInputCommandInteraction,
  name: string,
  firstLine: string,
  logger: Logger,
): Promise<ProjectPlace> {
  const channel = interaction.channel;
  if (channel?.type !== ChannelType.GuildText) return { kind: 'channel' };
  const missing = missingPermission(interaction.appPermissions, 'thread', false);
  if (missing) return { kind: 'channel', missing };
  try {
    const reply = await interaction.editReply({ content: firstLine, allowedMentions: { parse: [] } });
    const shownAt = performance.now();
    const thread = await reply.startThread({
      name,
      autoArchiveDuration: ThreadAutoArchiveDuration.OneWeek,
      reason: `NemoVideo project of ${interaction.user.username}`,
    });
    // Bring the person into the thread so it shows in their list; harmless if it fails.
    await thread.members.add(interaction.user.id).catch((error: unknown) => {
      logger.debug('could not add the person to the project thread', { error: loggable(error) });
    });
    return { kind: 'thread', threadId: thread.id, shown: firstLine, shownAt };
  } catch (error) {
    if (!isPermissionError(error)) throw error;
    logger.warn('could not open a project thread', { channel: channel.id, error: loggable(error) });
    return { kind: 'channel', missing: 'CreatePublicThreads' };
  }
}
