/**
 * The three ways a message reaches a Discord channel, behind one shape: the interaction's own
 * reply (the deferred "thinking…" message), a follow-up on the interaction (both through the
 * interaction token, which dies after 15 minutes), or an ordinary channel message (through the
 * bot token, which does not). Each returns a handle to edit what it posted.
 *
 * Mentions are explicit on every request: text from the backend never pings anyone, and only
 * the person a message is addressed to gets notified.
 */
import type {
  ActionRowBuilder,
  ButtonBuilder,
  Client,
  Guild,
  Message,
  PermissionsBitField,
  RepliableInteraction,
  SendableChannels,
} from 'discord.js';
import { GuildPremiumTier } from 'discord.js';
import { missingPermission, type Need, type PermissionName } from './permissions.ts';

export interface Payload {
  content: string;
  components?: ActionRowBuilder<ButtonBuilder>[] | undefined;
  files?: Array<{ attachment: Buffer; name: string }> | undefined;
  /** A user id: the message starts with their mention and notifies them. */
  mention?: string | undefined;
  /** A message id this one answers (the person is notified through the reply). */
  replyTo?: string | undefined;
}

/** The bot's permissions where it posts, when known without asking (an interaction carries them). */
export interface KnownPermissions {
  permissions: Readonly<PermissionsBitField>;
  inThread: boolean;
}

export interface Posted {
  /** `interaction` handles die with the token; `channel` ones last. */
  readonly via: 'interaction' | 'channel';
  edit(content: string): Promise<void>;
}

/** Discord's limit on one message's text. */
export const messageLimit = 2000;
/** What Discord allows every server to upload; boosted servers and interactions may report more. */
export const defaultAttachmentLimit = 10 * 1024 * 1024;

function text(payload: Pick<Payload, 'content' | 'mention'>): string {
  const content = payload.mention ? `<@${payload.mention}> ${payload.content}` : payload.content;
  if (content.length <= messageLimit) return content;
  // The core splits long texts; this only guards the limit, without halving a surrogate pair.
  const cut = content.slice(0, messageLimit - 1).replace(/[\uD800-\uDBFF]$/, '');
  return `${cut}…`;
}

function allowedMentions(payload: Pick<Payload, 'mention' | 'replyTo'>) {
  return {
    parse: [],
    users: payload.mention ? [payload.mention] : [],
    repliedUser: payload.replyTo !== undefined,
  };
}

function messageOptions(payload: Payload) {
  return {
    content: text(payload),
    components: payload.components ?? [],
    files: payload.files ?? [],
    allowedMentions: allowedMentions(payload),
  };
}

/** A handle on the interaction's reply, to edit what it shows. */
export function originalReply(interaction: RepliableInteraction, payload: Pick<Payload, 'mention'>): Posted {
  return {
    via: 'interaction',
    edit: async (content) => {
      await interaction.editReply({
        content: text({ ...payload, content }),
        allowedMentions: allowedMentions(payload),
      });
    },
  };
}

/** Replaces the deferred reply ("thinking…") of the interaction. */
export async function editOriginal(interaction: RepliableInteraction, payload: Payload): Promise<Posted> {
  await interaction.editReply(messageOptions(payload));
  return originalReply(interaction, payload);
}

export async function followUp(interaction: RepliableInteraction, payload: Payload): Promise<Posted> {
  const message = await interaction.followUp(messageOptions(payload));
  return {
    via: 'interaction',
    edit: async (content) => {
      await interaction.editReply({
        message,
        content: text({ ...payload, content }),
        allowedMentions: allowedMentions(payload),
      });
    },
  };
}

/**
 * A channel or thread the bot posts ordinary messages in. The channel is looked up on first use
 * (from the cache, or `GET /channels/{id}`), so a target can be named before the client knows it.
 */
export class ChannelTarget {
  readonly channelId: string;
  readonly #client: Client<true>;
  readonly #known: KnownPermissions | undefined;
  #channel: Promise<SendableChannels> | undefined;

  constructor(client: Client<true>, channelId: string, known?: KnownPermissions) {
    this.#client = client;
    this.channelId = channelId;
    this.#known = known;
  }

  channel(): Promise<SendableChannels> {
    this.#channel ??= this.#client.channels.fetch(this.channelId).then((channel) => {
      if (!channel?.isSendable()) throw new Error(`channel ${this.channelId} does not take messages`);
      return channel;
    });
    this.#channel.catch(() => {
      this.#channel = undefined;
    });
    return this.#channel;
  }

  /** The first permission the bot lacks for `need` here; undefined when none (or unknown). */
  async missing(need: Need): Promise<PermissionName | undefined> {
    if (this.#known) return missingPermission(this.#known.permissions, need, this.#known.inThread);
    const channel = await this.channel().catch(() => undefined);
    if (!channel) return 'ViewChannel';
    if (channel.isDMBased()) return undefined;
    const me = channel.guild.members.me ?? this.#client.user.id;
    return missingPermission(channel.permissionsFor(me), need, channel.isThread());
  }

  /** The largest upload the channel's server allows by its boost level. */
  async attachmentLimit(): Promise<number> {
    const channel = await this.channel().catch(() => undefined);
    return guildAttachmentLimit(channel && !channel.isDMBased() ? channel.guild : undefined);
  }

  async send(payload: Payload): Promise<Posted> {
    const channel = await this.channel();
    const message: Message = await channel.send({
      ...messageOptions(payload),
      ...(payload.replyTo ? { reply: { messageReference: payload.replyTo, failIfNotExists: false } } : {}),
    });
    return {
      via: 'channel',
      edit: async (content) => {
        await message.edit({
          content: text({ ...payload, content }),
          allowedMentions: allowedMentions(payload),
        });
      },
    };
  }
}

/** Boost levels 2 and 3 raise the upload limit to 50 and 100 MB. */
export function guildAttachmentLimit(guild: Guild | undefined): number {
  if (guild?.premiumTier === GuildPremiumTier.Tier3) return 100 * 1024 * 1024;
  if (guild?.premiumTier === GuildPremiumTier.Tier2) return 50 * 1024 * 1024;
  return defaultAttachmentLimit;
}
