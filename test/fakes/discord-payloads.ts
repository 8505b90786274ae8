/**
 * JSON the fake Discord sends: users, the server with its channels, messages, interactions. Shaped
 * like Discord's own payloads (the fields discord.js reads), with snowflakes minted on the fake's
 * clock, so an interaction's age as discord.js computes it follows that clock.
 */
import type { FakeAttachment, FakeChannel, FakeMessage, FakeUser } from './discord-types.ts';

/** Permission bits the fake knows (Discord's values). */
export const Permission = {
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  UseApplicationCommands: 1n << 31n,
  CreatePublicThreads: 1n << 35n,
  SendMessagesInThreads: 1n << 38n,
} as const;

/** What the bot may do in a channel unless a test takes something away. */
export const botPermissions = Object.values(Permission).reduce((all, bit) => all | bit, 0n);

export const ChannelKind = { GuildText: 0, PublicThread: 11 } as const;
export const MessageFlag = { Loading: 128, HasThread: 32 } as const;

const discordEpoch = 1420070400000n;
let increment = 0n;

export function snowflake(now: number): string {
  increment = (increment + 1n) % 4096n;
  return (((BigInt(now) - discordEpoch) << 22n) | increment).toString();
}

export function userPayload(user: FakeUser) {
  return {
    ...user,
    public_flags: 0,
    flags: 0,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
  };
}

export function memberPayload(user: FakeUser, joinedAt: string) {
  return {
    user: userPayload(user),
    nick: null,
    avatar: null,
    roles: [],
    joined_at: joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
}

export function channelPayload(channel: FakeChannel, guildId: string, botId: string) {
  const common = { id: channel.id, type: channel.type, guild_id: guildId, name: channel.name, flags: 0 };
  if (channel.parentId !== undefined) {
    return {
      ...common,
      parent_id: channel.parentId,
      owner_id: channel.ownerId,
      last_message_id: null,
      rate_limit_per_user: 0,
      message_count: 0,
      member_count: 1,
      total_message_sent: 0,
      thread_metadata: {
        archived: false,
        auto_archive_duration: 10080,
        archive_timestamp: new Date().toISOString(),
        locked: false,
      },
    };
  }
  // The bot's permissions in the channel, as a member overwrite on top of @everyone.
  const deny = botPermissions & ~channel.permissions;
  const allow = channel.permissions & ~botPermissions;
  return {
    ...common,
    position: 0,
    parent_id: null,
    topic: null,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    default_auto_archive_duration: 1440,
    permission_overwrites: [{ id: botId, type: 1, allow: allow.toString(), deny: deny.toString() }],
  };
}

export interface GuildFacts {
  id: string;
  name: string;
  ownerId: string;
  preferredLocale: string;
  premiumTier: number;
  joinedAt: string;
}

export function guildPayload(guild: GuildFacts) {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    premium_tier: guild.premiumTier,
    premium_subscription_count: 0,
    preferred_locale: guild.preferredLocale,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    features: [],
    emojis: [],
    stickers: [],
    roles: [
      {
        id: guild.id,
        name: '@everyone',
        permissions: botPermissions.toString(),
        position: 0,
        color: 0,
        colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
        hoist: false,
        managed: false,
        mentionable: false,
        icon: null,
        unicode_emoji: null,
        flags: 0,
      },
    ],
  };
}

export function attachmentPayload(attachment: FakeAttachment) {
  return {
    id: attachment.id,
    filename: attachment.filename,
    size: attachment.size,
    url: attachment.url,
    proxy_url: attachment.proxy_url,
    ...(attachment.content_type ? { content_type: attachment.content_type } : {}),
  };
}

export function messagePayload(message: FakeMessage, guildId: string, applicationId: string) {
  const isReply = message.replyTo !== undefined;
  return {
    id: message.id,
    channel_id: message.channelId,
    guild_id: guildId,
    author: userPayload(message.author),
    content: message.content,
    timestamp: new Date().toISOString(),
    edited_timestamp: message.edits > 0 ? new Date().toISOString() : null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: message.attachments.map(attachmentPayload),
    embeds: [],
    pinned: false,
    type: message.interactionToken ? 20 : isReply ? 19 : 0,
    flags: message.flags,
    components: message.components,
    ...(message.interactionToken ? { webhook_id: applicationId, application_id: applicationId } : {}),
    ...(isReply
      ? {
          message_reference: {
            type: 0,
            message_id: message.replyTo,
            channel_id: message.channelId,
            guild_id: guildId,
          },
        }
      : {}),
  };
}
