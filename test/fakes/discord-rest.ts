/**
 * The REST routes of the fake Discord that discord.js calls for this bot, with Discord's rules
 * where the bot could break them: the 3-second acknowledgement, the 15-minute interaction token,
 * channel permissions, the 2000-character message, the upload limit, one thread per message.
 */
import {
  channelPayload,
  MessageFlag,
  messagePayload,
  Permission,
  snowflake,
  userPayload,
} from './discord-payloads.ts';
import type {
  FakeAttachment,
  FakeChannel,
  FakeInteraction,
  FakeMessage,
  FakeUser,
  RecordedFile,
} from './discord-types.ts';

export interface RestState {
  now(): number;
  url: string;
  gatewayUrl: string;
  token: string;
  applicationId: string;
  guildId: string;
  bot: FakeUser;
  channels: Map<string, FakeChannel>;
  messages: Map<string, FakeMessage>;
  interactions: Map<string, FakeInteraction>;
  commands: Map<string, unknown[]>;
  attachmentLimit(): number;
  problem(text: string): void;
  dispatch(type: string, data: unknown): void;
  botSeesOwnMessages(): boolean;
}

export interface RestCall {
  params: Record<string, string>;
  query: URLSearchParams;
  json: unknown;
  files: RecordedFile[];
  authorized: boolean;
}

export interface RestAnswer {
  status: number;
  json?: unknown;
}

type Handler = (state: RestState, call: RestCall) => RestAnswer;

const tokenLifetimeMs = 15 * 60_000;
const acknowledgeWithinMs = 3_000;
const contentLimit = 2000;

const error = (status: number, code: number, message: string): RestAnswer => ({
  status,
  json: { message, code },
});
const unauthorized = error(401, 0, '401: Unauthorized');
const missingPermissions = error(403, 50013, 'Missing Permissions');
const unknownChannel = error(404, 10003, 'Unknown Channel');
const unknownMessage = error(404, 10008, 'Unknown Message');
const invalidWebhookToken = error(401, 50027, 'Invalid Webhook Token');

type Body = {
  content?: string;
  components?: unknown[];
  attachments?: Array<{ id: string; filename?: string }>;
  allowed_mentions?: unknown;
  message_reference?: { message_id?: string };
  flags?: number;
  name?: string;
  type?: number;
};

function body(call: RestCall): Body {
  return (call.json ?? {}) as Body;
}

function inThread(channel: FakeChannel): boolean {
  return channel.parentId !== undefined;
}

/** The bot's permissions in a channel; threads inherit their parent's. */
function permissionsIn(state: RestState, channel: FakeChannel): bigint {
  return inThread(channel)
    ? (state.channels.get(channel.parentId as string)?.permissions ?? 0n)
    : channel.permissions;
}

function may(state: RestState, channel: FakeChannel, ...bits: bigint[]): boolean {
  const granted = permissionsIn(state, channel);
  return bits.every((bit) => (granted & bit) === bit);
}

function attachmentsOf(state: RestState, channelId: string, call: RestCall): FakeAttachment[] {
  return call.files.map((file) => {
    const id = snowflake(state.now());
    const url = `${state.url}/attachments/${channelId}/${id}/${encodeURIComponent(file.filename)}`;
    return {
      id,
      filename: file.filename,
      size: file.size,
      content_type: file.contentType,
      url,
      proxy_url: url,
    };
  });
}

/** Checks shared by every message the bot posts or edits; an answer when one fails. */
function messageRules(state: RestState, call: RestCall): RestAnswer | undefined {
  const content = body(call).content;
  if (content !== undefined && content.length > contentLimit) {
    state.problem(`message content of ${content.length} characters (Discord allows ${contentLimit})`);
    return error(400, 50035, 'Invalid Form Body: content must be 2000 or fewer in length.');
  }
  const tooLarge = call.files.find((file) => file.size > state.attachmentLimit());
  if (tooLarge) return error(413, 40005, 'Request entity too large');
  return undefined;
}

function newMessage(
  state: RestState,
  channelId: string,
  call: RestCall,
  extra: Partial<FakeMessage> = {},
): FakeMessage {
  const payload = body(call);
  const message: FakeMessage = {
    id: snowflake(state.now()),
    channelId,
    author: state.bot,
    content: payload.content ?? '',
    components: payload.components ?? [],
    attachments: attachmentsOf(state, channelId, call),
    allowedMentions: payload.allowed_mentions,
    replyTo: payload.message_reference?.message_id,
    flags: 0,
    edits: 0,
    deleted: false,
    ...extra,
  };
  state.messages.set(message.id, message);
  return message;
}

function editMessage(state: RestState, message: FakeMessage, call: RestCall): FakeMessage {
  const payload = body(call);
  if (payload.content !== undefined) message.content = payload.content;
  if (payload.components !== undefined) message.components = payload.components;
  if (payload.allowed_mentions !== undefined) message.allowedMentions = payload.allowed_mentions;
  if (call.files.length > 0) message.attachments = attachmentsOf(state, message.channelId, call);
  message.flags &= ~MessageFlag.Loading;
  message.edits += 1;
  return message;
}

function answerMessage(state: RestState, message: FakeMessage, status = 200): RestAnswer {
  return { status, json: messagePayload(message, state.guildId, state.applicationId) };
}

/** The interaction of a webhook route, or the answer when its token is unknown or dead. */
function interactionOf(state: RestState, call: RestCall): FakeInteraction | RestAnswer {
  if (call.params.webhook_id !== state.applicationId) return error(404, 10015, 'Unknown Webhook');
  const interaction = state.interactions.get(call.params.webhook_token ?? '');
  if (!interaction) return error(404, 10015, 'Unknown Webhook');
  if (state.now() - interaction.createdAt >= tokenLifetimeMs) {
    state.problem(
      `interaction token used ${Math.round((state.now() - interaction.createdAt) / 1000)} s after the interaction`,
    );
    return invalidWebhookToken;
  }
  if (!interaction.acknowledged) return unknownMessage;
  return interaction;
}

const isAnswer = (value: unknown): value is RestAnswer =>
  typeof value === 'object' && value !== null && 'status' in value;

export const restHandlers: Record<string, Handler> = {
  'GET /gateway/bot': (state, call) =>
    call.authorized
      ? {
          status: 200,
          json: {
            url: state.gatewayUrl,
            shards: 1,
            session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
          },
        }
      : unauthorized,

  'GET /users/@me': (state, call) =>
    call.authorized ? { status: 200, json: userPayload(state.bot) } : unauthorized,

  'PUT /applications/{application_id}/commands': (state, call) => putCommands(state, call, 'global'),
  'PUT /applications/{application_id}/guilds/{guild_id}/commands': (state, call) =>
    putCommands(state, call, call.params.guild_id as string),

  'GET /channels/{channel_id}': (state, call) => {
    if (!call.authorized) return unauthorized;
    const channel = state.channels.get(call.params.channel_id as string);
    return channel
      ? { status: 200, json: channelPayload(channel, state.guildId, state.bot.id) }
      : unknownChannel;
  },

  'POST /interactions/{interaction_id}/{interaction_token}/callback': (state, call) => {
    const interaction = state.interactions.get(call.params.interaction_token as string);
    if (!interaction || interaction.id !== call.params.interaction_id)
      return error(404, 10062, 'Unknown interaction');
    const age = state.now() - interaction.createdAt;
    if (age > acknowledgeWithinMs) {
      state.problem(`interaction acknowledged after ${age} ms (Discord allows ${acknowledgeWithinMs})`);
      return error(404, 10062, 'Unknown interaction');
    }
    if (interaction.acknowledged) return error(400, 40060, 'Interaction has already been acknowledged.');
    interaction.acknowledged = true;
    const type = body(call).type;
    if (type === 5 || type === 4) {
      const original = newMessage(state, interaction.channelId, type === 4 ? call : { ...call, json: {} }, {
        interactionToken: interaction.token,
        flags: type === 5 ? MessageFlag.Loading : 0,
      });
      interaction.originalId = original.id;
    }
    return { status: 204 };
  },

  'PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original': (state, call) => {
    const interaction = interactionOf(state, call);
    if (isAnswer(interaction)) return interaction;
    const original = state.messages.get(interaction.originalId ?? '');
    if (!original || original.deleted) return unknownMessage;
    return messageRules(state, call) ?? answerMessage(state, editMessage(state, original, call));
  },

  'DELETE /webhooks/{webhook_id}/{webhook_token}/messages/@original': (state, call) => {
    const interaction = interactionOf(state, call);
    if (isAnswer(interaction)) return interaction;
    const original = state.messages.get(interaction.originalId ?? '');
    if (!original || original.deleted) return unknownMessage;
    original.deleted = true;
    return { status: 204 };
  },

  'POST /webhooks/{webhook_id}/{webhook_token}': (state, call) => {
    const interaction = interactionOf(state, call);
    if (isAnswer(interaction)) return interaction;
    return (
      messageRules(state, call) ??
      answerMessage(
        state,
        newMessage(state, interaction.channelId, call, { interactionToken: interaction.token }),
      )
    );
  },

  'PATCH /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}': (state, call) => {
    const interaction = interactionOf(state, call);
    if (isAnswer(interaction)) return interaction;
    const message = state.messages.get(call.params.message_id as string);
    if (!message || message.interactionToken !== interaction.token) return unknownMessage;
    return messageRules(state, call) ?? answerMessage(state, editMessage(state, message, call));
  },

  'POST /channels/{channel_id}/messages': (state, call) => {
    if (!call.authorized) return unauthorized;
    const channel = state.channels.get(call.params.channel_id as string);
    if (!channel) return unknownChannel;
    const send = inThread(channel) ? Permission.SendMessagesInThreads : Permission.SendMessages;
    if (!may(state, channel, Permission.ViewChannel, send)) return missingPermissions;
    if (call.files.length > 0 && !may(state, channel, Permission.AttachFiles)) return missingPermissions;
    if (body(call).message_reference && !may(state, channel, Permission.ReadMessageHistory)) {
      return missingPermissions;
    }
    const rule = messageRules(state, call);
    if (rule) return rule;
    const message = newMessage(state, channel.id, call);
    if (state.botSeesOwnMessages()) {
      state.dispatch('MESSAGE_CREATE', messagePayload(message, state.guildId, state.applicationId));
    }
    return answerMessage(state, message);
  },

  'PATCH /channels/{channel_id}/messages/{message_id}': (state, call) => {
    if (!call.authorized) return unauthorized;
    const message = state.messages.get(call.params.message_id as string);
    if (!message || message.deleted || message.channelId !== call.params.channel_id) return unknownMessage;
    if (message.author.id !== state.bot.id || message.interactionToken) {
      return error(403, 50005, 'Cannot edit a message authored by another user');
    }
    return messageRules(state, call) ?? answerMessage(state, editMessage(state, message, call));
  },

  'POST /channels/{channel_id}/messages/{message_id}/threads': (state, call) => {
    if (!call.authorized) return unauthorized;
    const parent = state.channels.get(call.params.channel_id as string);
    const starter = state.messages.get(call.params.message_id as string);
    if (!parent) return unknownChannel;
    if (!starter || starter.channelId !== parent.id) return unknownMessage;
    if (!may(state, parent, Permission.ViewChannel, Permission.CreatePublicThreads))
      return missingPermissions;
    if (state.channels.has(starter.id))
      return error(400, 160004, 'A thread has already been created for this message');
    const name = body(call).name ?? '';
    if (name.length < 1 || name.length > 100) return error(400, 50035, 'Invalid Form Body: name');
    const thread: FakeChannel = {
      id: starter.id,
      type: 11,
      name,
      parentId: parent.id,
      ownerId: state.bot.id,
      permissions: parent.permissions,
    };
    state.channels.set(thread.id, thread);
    starter.flags |= MessageFlag.HasThread;
    const payload = channelPayload(thread, state.guildId, state.bot.id);
    state.dispatch('THREAD_CREATE', { ...payload, newly_created: true });
    return { status: 201, json: payload };
  },

  'PUT /channels/{channel_id}/thread-members/{user_id}': (state, call) => {
    if (!call.authorized) return unauthorized;
    const thread = state.channels.get(call.params.channel_id as string);
    return thread && inThread(thread) ? { status: 204 } : unknownChannel;
  },
};

function putCommands(state: RestState, call: RestCall, scope: string): RestAnswer {
  if (!call.authorized) return unauthorized;
  if (call.params.application_id !== state.applicationId) return error(403, 50001, 'Missing Access');
  const list = Array.isArray(call.json) ? (call.json as Array<Record<string, unknown>>) : [];
  const registered = list.map((command) => ({
    ...command,
    id: snowflake(state.now()),
    application_id: state.applicationId,
    version: snowflake(state.now()),
    type: 1,
    default_member_permissions: null,
    nsfw: false,
    ...(scope === 'global' ? {} : { guild_id: scope }),
  }));
  state.commands.set(scope, registered);
  return { status: 200, json: registered };
}
