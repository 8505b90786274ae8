/**
 * A fake Discord for tests: one real HTTP server on 127.0.0.1 (random port) that serves
 *   /api/v10/…      the REST routes discord.js calls (discord-rest.ts),
 *   /gateway        the WebSocket gateway GET /gateway/bot points to (discord-gateway.ts),
 *   /attachments/…  a CDN for the files members "upload", behind signed links.
 *
 * Every request is recorded, and every body the bot sends — JSON, or the `payload_json` of a
 * multipart upload — is checked against the schema Discord publishes for its route
 * (discord-spec.ts). Any failure, an unknown route, or a broken Discord rule (a late
 * acknowledgement, a dead interaction token, a message over 2000 characters) lands in `problems`,
 * which a test expects to be empty.
 *
 *   const discord = await startFakeDiscord();
 *   … start the bot with DISCORD_REST_API=discord.restApi, DISCORD_TOKEN=discord.token …
 *   await discord.ready();
 *   const interaction = discord.slashCommand({ name: 'video', options: { prompt: 'a promo' } });
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGateway, guildMessagesIntent, messageContentIntent } from './discord-gateway.ts';
import {
  attachmentPayload,
  botPermissions,
  ChannelKind,
  channelPayload,
  guildPayload,
  memberPayload,
  messagePayload,
  snowflake,
  userPayload,
} from './discord-payloads.ts';
import { type RestAnswer, type RestState, restHandlers } from './discord-rest.ts';
import { specRoute, validateBody } from './discord-spec.ts';
import type {
  ButtonInput,
  DiscordRequest,
  FakeAttachment,
  FakeChannel,
  FakeClock,
  FakeInteraction,
  FakeMessage,
  FakeUser,
  MessageInput,
  RecordedFile,
  SlashCommandInput,
} from './discord-types.ts';

export { botPermissions, Permission } from './discord-payloads.ts';
export type * from './discord-types.ts';

const InteractionKind = { Command: 2, Component: 3 } as const;

/** An answer a test forces on a route instead of the normal one (see `failNext`). */
export interface DiscordFault {
  status: number;
  json?: unknown;
  headers?: Record<string, string>;
}

/**
 * Discord's 429 for a route's bucket: the bucket headers say it is used up until `seconds` from
 * now, `Retry-After` says the same (fractions allowed), and so does the body.
 */
export const rateLimited = (seconds: number): DiscordFault => ({
  status: 429,
  headers: {
    'retry-after': String(seconds),
    'x-ratelimit-limit': '5',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset-after': String(seconds),
    'x-ratelimit-bucket': 'fake-bucket',
    'x-ratelimit-scope': 'user',
  },
  json: { message: 'You are being rate limited.', retry_after: seconds, global: false },
});

/** What Discord's edge answers while the API has trouble. */
export const serverError = (status = 502): DiscordFault => ({
  status,
  json: { message: `${status}: Bad Gateway`, code: 0 },
});

export interface FakeDiscordOptions {
  clock?: FakeClock;
  /** Whether the application may use the privileged Message Content intent. */
  messageContentAllowed?: boolean;
  /** The server's preferred locale. */
  preferredLocale?: string;
  /** The server's boost level (2: 50 MB uploads, 3: 100 MB). */
  premiumTier?: number;
  /** The heartbeat interval HELLO asks for (Discord: 41.25 s; shorter to see heartbeats in a test). */
  heartbeatIntervalMs?: number;
}

/** A clock that runs with real time plus whatever a test adds. */
export function fakeClock(): FakeClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
  };
}

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const fake = new FakeDiscord(options);
  await fake.listen();
  return fake;
}

interface CdnFile {
  attachment: FakeAttachment;
  signature: string;
  content: Buffer | undefined;
}

export class FakeDiscord implements RestState {
  url = '';
  restApi = '';
  gatewayUrl = '';
  readonly token = `fake.${randomBytes(12).toString('base64url')}.${randomBytes(20).toString('base64url')}`;
  readonly clock: FakeClock;
  readonly applicationId: string;
  readonly guildId: string;
  readonly bot: FakeUser;
  /** A member who uses the bot. */
  readonly member: FakeUser;
  /** The server's text channel where commands run unless a test says otherwise. */
  readonly textChannelId: string;

  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, FakeMessage>();
  readonly interactions = new Map<string, FakeInteraction>();
  readonly commands = new Map<string, unknown[]>();
  readonly requests: DiscordRequest[] = [];
  /** Schema failures, unknown routes and broken Discord rules; a passing test leaves it empty. */
  readonly problems: string[] = [];
  /** Paths of the CDN downloads (attachment files fetched). */
  readonly cdnRequests: string[] = [];
  messageContentAllowed: boolean;
  premiumTier: number;
  preferredLocale: string;

  readonly #gateway: FakeGateway;
  readonly #faults = new Map<string, Array<{ fault: DiscordFault; times: number }>>();
  readonly #files = new Map<string, CdnFile>();
  readonly #secret = randomBytes(16).toString('hex');
  readonly #joinedAt = new Date().toISOString();
  readonly #server = createServer((request, response) => void this.#handle(request, response));

  constructor(options: FakeDiscordOptions) {
    this.clock = options.clock ?? fakeClock();
    this.messageContentAllowed = options.messageContentAllowed ?? true;
    this.premiumTier = options.premiumTier ?? 0;
    this.preferredLocale = options.preferredLocale ?? 'en-US';
    const now = this.clock.now();
    this.applicationId = snowflake(now);
    this.guildId = snowflake(now);
    this.bot = {
      id: this.applicationId,
      username: 'NemoBot',
      global_name: null,
      discriminator: '0',
      avatar: null,
      bot: true,
    };
    this.member = this.user('ada');
    this.textChannelId = this.addTextChannel('video-lab').id;
    this.#gateway = new FakeGateway({
      token: this.token,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      messageContentAllowed: () => this.messageContentAllowed,
      readyPayload: () => this.#readyPayload(),
      guildCreatePayload: () => this.#guildCreatePayload(),
      problem: (text) => this.problem(text),
    });
  }

  async listen(): Promise<void> {
    this.#server.on('upgrade', (request, socket, head) => {
      if (new URL(request.url ?? '/', 'http://fake').pathname === '/gateway') {
        this.#gateway.handleUpgrade(request, socket, head);
      } else {
        socket.destroy();
      }
    });
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    const { port } = this.#server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    this.restApi = `${this.url}/api`;
    this.gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
  }

  async close(): Promise<void> {
    await this.#gateway.close();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  // ---- RestState ----

  now(): number {
    return this.clock.now();
  }

  problem(text: string): void {
    this.problems.push(text);
  }

  dispatch(type: string, data: unknown): void {
    this.#gateway.dispatch(type, data);
  }

  botSeesOwnMessages(): boolean {
    return ((this.#gateway.intents ?? 0) & guildMessagesIntent) !== 0;
  }

  /** The largest upload the server allows (its boost level decides). */
  attachmentLimit(): number {
    const mb = this.premiumTier === 3 ? 100 : this.premiumTier === 2 ? 50 : 10;
    return mb * 1024 * 1024;
  }

  // ---- the test's side ----

  /** Resolves once the bot identified and got READY and the server. */
  ready(): Promise<void> {
    return this.#gateway.ready();
  }

  /** The intents the bot identified with. */
  get intents(): number | undefined {
    return this.#gateway.intents;
  }

  /** Heartbeats the bot sent (each one acknowledged). */
  get heartbeats(): number {
    return this.#gateway.heartbeats;
  }

  user(username: string): FakeUser {
    return {
      id: snowflake(this.now()),
      username,
      global_name: `${username.charAt(0).toUpperCase()}${username.slice(1)}`,
      discriminator: '0',
      avatar: null,
    };
  }

  addTextChannel(name: string, permissions = botPermissions): FakeChannel {
    const channel: FakeChannel = {
      id: snowflake(this.now()),
      type: ChannelKind.GuildText,
      name,
      permissions,
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** Changes what the bot may do in a channel, and tells the bot (CHANNEL_UPDATE). */
  setPermissions(channelId: string, permissions: bigint): void {
    const channel = this.channels.get(channelId);
    if (!channel) throw new Error(`no channel ${channelId}`);
    channel.permissions = permissions;
    if (this.#gateway.intents !== undefined) {
      this.dispatch('CHANNEL_UPDATE', channelPayload(channel, this.guildId, this.bot.id));
    }
  }

  /** A file a member attached; its bytes are served from the fake CDN (generated when `content` is not given). */
  attachment(filename: string, size: number, contentType?: string, content?: Buffer): FakeAttachment {
    const id = snowflake(this.now());
    const path = `/attachments/${this.textChannelId}/${id}/${encodeURIComponent(filename)}`;
    const expires = Math.floor(Date.now() / 1000 + 86_400).toString(16);
    const signature = createHash('sha256').update(`${this.#secret}${path}${expires}`).digest('hex');
    const url = `${this.url}${path}?ex=${expires}&is=${expires}&hm=${signature}&`;
    const attachment: FakeAttachment = {
      id,
      filename,
      size,
      url,
      proxy_url: url.replace('/attachments/', '/media/'),
      ...(contentType ? { content_type: contentType } : {}),
    };
    this.#files.set(path, { attachment, signature, content });
    return attachment;
  }

  /** A member runs a slash command: INTERACTION_CREATE goes out; the interaction is returned. */
  slashCommand(input: SlashCommandInput): FakeInteraction {
    const options = [
      ...Object.entries(input.options ?? {}).map(([name, value]) => ({ name, type: 3, value })),
      ...Object.entries(input.files ?? {}).map(([name, file]) => ({ name, type: 11, value: file.id })),
    ];
    const files = Object.values(input.files ?? {});
    const data = {
      id: snowflake(this.now()),
      name: input.name,
      type: 1,
      options,
      ...(files.length > 0
        ? {
            resolved: {
              attachments: Object.fromEntries(
                files.map((file) => [file.id, { ...attachmentPayload(file), ephemeral: true }]),
              ),
            },
          }
        : {}),
    };
    return this.#interact(
      InteractionKind.Command,
      data,
      input.channelId ?? this.textChannelId,
      input.user,
      input.locale,
      {
        attachment_size_limit: input.attachmentSizeLimit ?? 10 * 1024 * 1024,
      },
    );
  }

  /** A member clicks a button under one of the bot's messages. */
  clickButton(input: ButtonInput): FakeInteraction {
    return this.#interact(
      InteractionKind.Component,
      { custom_id: input.customId, component_type: 2 },
      input.message.channelId,
      input.user,
      input.locale,
      {
        message: messagePayload(input.message, this.guildId, this.applicationId),
        attachment_size_limit: 10 * 1024 * 1024,
      },
    );
  }

  /** A member writes in a channel: MESSAGE_CREATE goes out when the bot's intents ask for it. */
  postMessage(input: MessageInput): FakeMessage {
    const message: FakeMessage = {
      id: snowflake(this.now()),
      channelId: input.channelId,
      author: input.user ?? this.member,
      content: input.content,
      components: [],
      attachments: input.attachments ?? [],
      flags: 0,
      edits: 0,
      deleted: false,
    };
    this.messages.set(message.id, message);
    const intents = this.#gateway.intents ?? 0;
    if (intents & guildMessagesIntent) {
      const readable = (intents & messageContentIntent) !== 0;
      const payload = messagePayload(message, this.guildId, this.applicationId);
      this.dispatch('MESSAGE_CREATE', {
        ...payload,
        content: readable ? payload.content : '',
        attachments: readable ? payload.attachments : [],
        member: { ...memberPayload(message.author, this.#joinedAt), user: undefined },
      });
    }
    return message;
  }

  /** Messages in a channel, oldest first (deleted ones left out). */
  messagesIn(channelId: string): FakeMessage[] {
    return [...this.messages.values()].filter(
      (message) => message.channelId === channelId && !message.deleted,
    );
  }

  /** The interaction's own reply (the deferred message). */
  original(interaction: FakeInteraction): FakeMessage | undefined {
    return interaction.originalId ? this.messages.get(interaction.originalId) : undefined;
  }

  /**
   * The next `times` requests to `route` (e.g. `POST /channels/{channel_id}/messages`) get `fault`
   * instead of the normal answer; the request is recorded and its body checked all the same.
   */
  failNext(route: string, fault: DiscordFault, times = 1): void {
    const queue = this.#faults.get(route) ?? [];
    queue.push({ fault, times });
    this.#faults.set(route, queue);
  }

  /** Requests to one route, e.g. `PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original`. */
  requestsTo(route: string): DiscordRequest[] {
    return this.requests.filter((request) => request.route === route);
  }

  // ---- internals ----

  #interact(
    type: number,
    data: object,
    channelId: string,
    user = this.member,
    locale = 'en-US',
    extra: object,
  ): FakeInteraction {
    const channel = this.channels.get(channelId);
    if (!channel) throw new Error(`no channel ${channelId}`);
    const interaction: FakeInteraction = {
      id: snowflake(this.now()),
      token: `aW50ZXJhY3Rpb24${randomBytes(24).toString('base64url')}`,
      channelId,
      user,
      createdAt: this.now(),
      acknowledged: false,
    };
    this.interactions.set(interaction.token, interaction);
    const parent = channel.parentId ? this.channels.get(channel.parentId) : channel;
    this.dispatch('INTERACTION_CREATE', {
      id: interaction.id,
      application_id: this.applicationId,
      type,
      token: interaction.token,
      version: 1,
      data,
      guild: { id: this.guildId, locale: this.preferredLocale, features: [] },
      guild_id: this.guildId,
      channel_id: channelId,
      channel: channelPayload(channel, this.guildId, this.bot.id),
      member: { ...memberPayload(user, this.#joinedAt), permissions: botPermissions.toString() },
      locale,
      guild_locale: this.preferredLocale,
      app_permissions: (parent?.permissions ?? 0n).toString(),
      entitlements: [],
      authorizing_integration_owners: { '0': this.guildId },
      context: 0,
      ...extra,
    });
    return interaction;
  }

  #readyPayload() {
    return {
      v: 10,
      user: { ...userPayload(this.bot), verified: true, mfa_enabled: false, email: null },
      guilds: [{ id: this.guildId, unavailable: true }],
      session_id: randomBytes(16).toString('hex'),
      resume_gateway_url: this.gatewayUrl,
      shard: [0, 1],
      application: { id: this.applicationId, flags: 0 },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      user_settings: {},
    };
  }

  #guildCreatePayload() {
    const all = [...this.channels.values()];
    return {
      ...guildPayload({
        id: this.guildId,
        name: 'Video makers',
        ownerId: this.member.id,
        preferredLocale: this.preferredLocale,
        premiumTier: this.premiumTier,
        joinedAt: this.#joinedAt,
      }),
      joined_at: this.#joinedAt,
      large: false,
      unavailable: false,
      member_count: 2,
      voice_states: [],
      members: [memberPayload(this.bot, this.#joinedAt)],
      channels: all
        .filter((channel) => !channel.parentId)
        .map((channel) => channelPayload(channel, this.guildId, this.bot.id)),
      threads: all
        .filter((channel) => channel.parentId)
        .map((channel) => channelPayload(channel, this.guildId, this.bot.id)),
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const url = new URL(request.url ?? '/', 'http://fake');
      if (url.pathname.startsWith('/attachments/')) return this.#cdn(url, response);
      await this.#rest(url, request, response);
    } catch (error) {
      this.problem(`the fake Discord crashed: ${String(error)}`);
      if (!response.headersSent) response.writeHead(500).end();
    }
  }

  async #rest(url: URL, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const raw = Buffer.concat(await Array.fromAsync(request as AsyncIterable<Buffer>));
    // discord.js escapes `@original` as `%40original`; routes are matched on the decoded path.
    const path = /^\/api\/v10(\/.*)$/
      .exec(url.pathname)?.[1]
      ?.split('/')
      .map((segment) => decodeURIComponent(segment))
      .join('/');
    const { json, files } = await this.#body(request.headers['content-type'], raw);
    const route = path ? specRoute(method, path) : undefined;
    const recorded: DiscordRequest = {
      method,
      path: path ?? url.pathname,
      route: route ? `${method} ${route.template}` : 'unknown',
      query: Object.fromEntries(url.searchParams),
      json,
      files,
      authorization: request.headers.authorization,
      status: 0,
      at: performance.now(),
    };
    this.requests.push(recorded);
    const fault = route ? this.#takeFault(recorded.route) : undefined;
    if (route && fault) {
      for (const problem of validateBody(route, json)) this.problem(problem);
      recorded.status = fault.status;
      const text = fault.json === undefined ? '' : JSON.stringify(fault.json);
      response.writeHead(fault.status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        ...fault.headers,
      });
      response.end(text);
      return;
    }
    let answer: RestAnswer;
    const handler = route ? restHandlers[recorded.route] : undefined;
    if (!route || !path) {
      this.problem(`a route Discord's spec does not have: ${method} ${url.pathname}`);
      answer = { status: 404, json: { message: '404: Not Found', code: 0 } };
    } else if (!handler) {
      this.problem(`a route the fake does not serve: ${recorded.route}`);
      answer = { status: 404, json: { message: '404: Not Found', code: 0 } };
    } else {
      for (const problem of validateBody(route, json)) this.problem(problem);
      answer = handler(this, {
        params: paramsOf(route.template, path),
        query: url.searchParams,
        json,
        files,
        authorized: request.headers.authorization === `Bot ${this.token}`,
      });
    }
    recorded.status = answer.status;
    if (answer.json === undefined) {
      response.writeHead(answer.status).end();
      return;
    }
    const text = JSON.stringify(answer.json);
    response.writeHead(answer.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    response.end(text);
  }

  #takeFault(route: string): DiscordFault | undefined {
    const queue = this.#faults.get(route);
    const head = queue?.[0];
    if (!head) return undefined;
    head.times -= 1;
    if (head.times <= 0) queue?.shift();
    return head.fault;
  }

  /** JSON, or multipart with `payload_json` and `files[n]` parts. */
  async #body(
    contentType: string | undefined,
    raw: Buffer,
  ): Promise<{ json?: unknown; files: RecordedFile[] }> {
    const files: RecordedFile[] = [];
    if (raw.length === 0) return { files };
    if (contentType?.startsWith('multipart/form-data')) {
      const form = await new Request('http://fake/', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: raw,
      }).formData();
      let json: unknown;
      for (const [field, value] of form) {
        if (typeof value === 'string') {
          if (field === 'payload_json') json = parseJson(value, (text) => this.problem(text));
          else this.problem(`multipart field "${field}" is neither payload_json nor a file`);
        } else {
          if (!/^files\[\d+\]$/.test(field))
            this.problem(`file in multipart field "${field}" (Discord reads files[n])`);
          files.push({ field, filename: value.name, contentType: value.type, size: value.size });
        }
      }
      return { json, files };
    }
    if (!contentType?.startsWith('application/json'))
      this.problem(`request body of type ${contentType ?? 'unknown'}`);
    return { json: parseJson(raw.toString('utf8'), (text) => this.problem(text)), files };
  }

  #cdn(url: URL, response: ServerResponse): void {
    this.cdnRequests.push(url.pathname);
    const file = this.#files.get(url.pathname);
    if (!file || url.searchParams.get('hm') !== file.signature) {
      response.writeHead(404).end('This content is no longer available.');
      return;
    }
    const content = file.content ?? Buffer.alloc(file.attachment.size, 0x5a);
    response.writeHead(200, {
      'content-type': file.attachment.content_type ?? 'application/octet-stream',
      'content-length': content.length,
    });
    response.end(content);
  }
}

function parseJson(text: string, problem: (text: string) => void): unknown {
  try {
    return JSON.parse(text);
  } catch {
    problem(`a body that is not JSON: ${text.slice(0, 80)}`);
    return undefined;
  }
}

function paramsOf(template: string, path: string): Record<string, string> {
  const names = template.split('/');
  const values = path.split('/');
  const params: Record<string, string> = {};
  names.forEach((name, index) => {
    const key = /^\{(.+)\}$/.exec(name)?.[1];
    if (key) params[key] = values[index] ?? '';
  });
  return params;
}
