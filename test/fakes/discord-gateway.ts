/**
 * The fake Discord gateway: a real WebSocket endpoint speaking plain JSON (no zlib; discord.js
 * asks for none without the optional zlib-sync). It says HELLO, takes IDENTIFY (checking the token
 * and the intents), answers READY and one GUILD_CREATE, acknowledges heartbeats, and lets tests
 * dispatch events. `ws` is the library discord.js itself connects with (a dependency of
 * @discordjs/ws, not of this project).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

const Op = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  Resume: 6,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
};
/** The Message Content intent (privileged). */
export const messageContentIntent = 1 << 15;
export const guildMessagesIntent = 1 << 9;

export interface GatewayHooks {
  token: string;
  /** What HELLO asks for (Discord: 41.25 s). */
  heartbeatIntervalMs: number;
  /** Whether the application may use the Message Content intent (a switch in the portal). */
  messageContentAllowed(): boolean;
  readyPayload(): object;
  guildCreatePayload(): object;
  problem(text: string): void;
}

export class FakeGateway {
  readonly #hooks: GatewayHooks;
  readonly #server = new WebSocketServer({ noServer: true });
  #socket: WebSocket | undefined;
  #sequence = 0;
  #readyResolve: (() => void) | undefined;
  #readyPromise: Promise<void>;
  /** The intents of the last IDENTIFY. */
  intents: number | undefined;
  heartbeats = 0;
  /** Every payload the bot sent, in order. */
  readonly received: Array<{ op: number; d: unknown }> = [];

  constructor(hooks: GatewayHooks) {
    this.#hooks = hooks;
    this.#readyPromise = new Promise((resolve) => {
      this.#readyResolve = resolve;
    });
  }

  /** Resolves once READY and GUILD_CREATE went out. */
  ready(): Promise<void> {
    return this.#readyPromise;
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://fake');
    if (url.searchParams.get('encoding') !== 'json' || url.searchParams.has('compress')) {
      this.#hooks.problem(
        `gateway connection asked for ${url.search}: the fake speaks uncompressed JSON only`,
      );
    }
    this.#server.handleUpgrade(request, socket, head, (connection) => this.#accept(connection));
  }

  #accept(connection: WebSocket): void {
    this.#socket = connection;
    connection.on('message', (data) => this.#receive(connection, data.toString()));
    this.#send(connection, {
      op: Op.Hello,
      d: { heartbeat_interval: this.#hooks.heartbeatIntervalMs },
      s: null,
      t: null,
    });
  }

  #receive(connection: WebSocket, text: string): void {
    let payload: { op: number; d: unknown };
    try {
      payload = JSON.parse(text);
    } catch {
      this.#hooks.problem(`gateway frame is not JSON: ${text.slice(0, 80)}`);
      return;
    }
    this.received.push(payload);
    switch (payload.op) {
      case Op.Heartbeat:
        this.heartbeats += 1;
        this.#send(connection, { op: Op.HeartbeatAck, d: null, s: null, t: null });
        return;
      case Op.Identify:
        this.#identify(connection, payload.d as { token?: string; intents?: number });
        return;
      case Op.Resume:
        this.#send(connection, { op: Op.InvalidSession, d: false, s: null, t: null });
        return;
      default:
        return;
    }
  }

  #identify(connection: WebSocket, identify: { token?: string; intents?: number }): void {
    if (identify.token !== this.#hooks.token) {
      connection.close(4004, 'Authentication failed.');
      return;
    }
    this.intents = identify.intents ?? 0;
    if (this.intents & messageContentIntent && !this.#hooks.messageContentAllowed()) {
      connection.close(4014, 'Disallowed intent(s).');
      return;
    }
    this.dispatch('READY', this.#hooks.readyPayload());
    this.dispatch('GUILD_CREATE', this.#hooks.guildCreatePayload());
    this.#readyResolve?.();
  }

  /** Sends a dispatch (op 0) with the next sequence number. */
  dispatch(type: string, data: unknown): void {
    if (!this.#socket) throw new Error(`no gateway connection to dispatch ${type} on`);
    this.#sequence += 1;
    this.#send(this.#socket, { op: Op.Dispatch, d: data, s: this.#sequence, t: type });
  }

  #send(connection: WebSocket, payload: object): void {
    connection.send(JSON.stringify(payload));
  }

  async close(): Promise<void> {
    for (const client of this.#server.clients) client.terminate();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
