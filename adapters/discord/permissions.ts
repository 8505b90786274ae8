/**
 * Which Discord permission stands in the way of what the bot is about to do, checked before the
 * request where the permissions are known (an interaction carries them; the cache knows the
 * rest), so the person (or the log) hears the name of what is missing.
 */

import type { PermissionsBitField } from 'discord.js';
import { PermissionFlagsBits } from 'discord.js';

export type PermissionName = keyof typeof PermissionFlagsBits;
export type Need = 'send' | 'reply' | 'attach' | 'thread';

function required(need: Need, inThread: boolean): PermissionName[] {
  const send: PermissionName = inThread ? 'SendMessagesInThreads' : 'SendMessages';
  switch (need) {
    case 'send':
      return ['ViewChannel', send];
    case 'reply':
      // Discord refuses a reply to a message the bot may not read back.
      return ['ViewChannel', send, 'ReadMessageHistory'];
    case 'attach':
      return ['ViewChannel', send, 'AttachFiles'];
    case 'thread':
      return ['ViewChannel', 'CreatePublicThreads', 'SendMessagesInThreads'];
  }
}

/** The first permission missing for `need`; undefined when all are there or nothing is known. */
export function missingPermission(
  permissions: Readonly<PermissionsBitField> | null | undefined,
  need: Need,
  inThread: boolean,
): PermissionName | undefined {
  if (!permissions) return undefined;
  return required(need, inThread).find((flag) => !permissions.has(PermissionFlagsBits[flag]));
}
