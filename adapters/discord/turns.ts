/**
 * Discord events as the core's turns: who (user id, display name, locale), where (the channel or
 * thread; one session each), what they said, and their files.
 *
 * Discord attachments live on its CDN behind signed links that need no bot token, so each file
 * goes to NemoVideo as a URL it fetches itself (`shareableUrl`); `open()` streams the same link
 * for the fallback upload. Nothing is downloaded before the core has checked type and size.
 */
import type {
  BaseInteraction,
  Attachment as DiscordAttachment,
  GuildMember,
  Message,
  User,
} from 'discord.js';
import { request } from 'undici';
import type { Attachment, Person, Turn } from '../../src/core/seam.ts';

export function channelKey(channelId: string): string {
  return `discord:${channelId}`;
}

/** The channel or thread id in a `discord:<id>` key; undefined for another platform's key. */
export function channelIdOf(key: string): string | undefined {
  return /^discord:(\d+)$/.exec(key)?.[1];
}

async function download(url: string): Promise<AsyncIterable<Uint8Array>> {
  const response = await request(url, { method: 'GET' });
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw new Error(`Discord's CDN answered HTTP ${response.statusCode} for an attachment`);
  }
  return response.body;
}

export function attachmentOf(file: DiscordAttachment): Attachment {
  return {
    name: file.name,
    mimeType: file.contentType ?? undefined,
    size: file.size,
    shareableUrl: file.url,
    open: () => download(file.url),
  };
}

/**
 * Locales people last used, by user id. Interactions carry the member's client locale; plain
 * messages do not, so a message gets the locale of its author's last interaction (or the
 * server's preferred one).
 */
export class LocaleMemory {
  readonly #locales = new Map<string, string>();
  readonly #max: number;

  constructor(max = 10_000) {
    this.#max = max;
  }

  remember(userId: string, locale: string | undefined): void {
    if (!locale) return;
    this.#locales.delete(userId);
    this.#locales.set(userId, locale);
    if (this.#locales.size > this.#max) {
      const oldest = this.#locales.keys().next().value;
      if (oldest !== undefined) this.#locales.delete(oldest);
    }
  }

  recall(userId: string): string | undefined {
    return this.#locales.get(userId);
  }
}

function displayName(user: User, member: GuildMember | { nick?: string | null } | null): string {
  if (member && 'displayName' in member) return member.displayName;
  return member?.nick ?? user.displayName;
}

export function interactionPerson(interaction: BaseInteraction): Person {
  return {
    id: interaction.user.id,
    displayName: displayName(interaction.user, interaction.member as GuildMember | null),
    locale: interaction.locale ?? interaction.guildLocale ?? undefined,
  };
}

/** The channel a thread hangs off (undefined for a channel that is not a thread). */
function parentOf(channel: { isThread(): boolean; parentId?: string | null } | null): string | undefined {
  return channel?.isThread() ? (channel.parentId ?? undefined) : undefined;
}

export function interactionTurn(
  interaction: BaseInteraction,
  channelId: string,
  text: string,
  attachments: Attachment[],
): Turn {
  // A /video moved into its new thread: the interaction's own channel is that thread's parent.
  const parentChannel =
    channelId !== interaction.channelId
      ? (interaction.channelId ?? undefined)
      : parentOf(interaction.channel);
  return {
    platform: 'discord',
    channel: channelKey(channelId),
    server: interaction.guildId ?? undefined,
    parentChannel,
    person: interactionPerson(interaction),
    text,
    attachments,
  };
}

/** A plain message; mentions of the bot itself are not part of what the person asks. */
export function messageTurn(message: Message, botId: string, locales: LocaleMemory): Turn {
  return {
    platform: 'discord',
    channel: channelKey(message.channelId),
    server: message.guildId ?? undefined,
    parentChannel: parentOf(message.channel),
    person: {
      id: message.author.id,
      displayName: message.member?.displayName ?? message.author.displayName,
      locale: locales.recall(message.author.id) ?? message.guild?.preferredLocale,
    },
    text: message.content.replaceAll(new RegExp(`<@!?${botId}>`, 'g'), '').trim(),
    attachments: [...message.attachments.values()].map(attachmentOf),
  };
}
