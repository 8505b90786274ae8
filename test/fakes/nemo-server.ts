/**
 * A fake NemoVideo backend for tests: a real HTTP server on 127.0.0.1 (random port) speaking the
 * protocol of /work/shared/nemovideo-protocol.md, with state a test can read and set, scripted chat
 * streams, scripted renders and injectable faults.
 *
 *   const nemo = await startFakeNemo();
 *   nemo.queueChat({ steps: [...adkReply('Done!'), { setDraft: sampleDraft() }] });
 *   nemo.failNext('upload', { status: 200, json: { code: 4002, message: 'File too large' } });
 *   …
 *   await nemo.close();
 *
 * Each request is handled in this order: body read (and recorded), `latencyMs`, fault, token
 * check, route. A fault therefore hits even a request without a valid token.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anonymousToken, claimToken, createSession, credits, state, upload } from './nemo-api.ts';
import { readBody } from './nemo-body.ts';
import { chat } from './nemo-chat.ts';
import { type FakeInternals, fail, type Handler, randomHex, sleep } from './nemo-context.ts';
import {
  fakeMp4,
  renderCancel,
  renderDownload,
  renderFile,
  renderStatus,
  renderSubmit,
} from './nemo-render.ts';
import { matchRoute } from './nemo-routes.ts';
import { defaultChatScript } from './nemo-scripts.ts';
import type {
  ChatScript,
  FakeNemo,
  FakeRender,
  FakeSession,
  Fault,
  RecordedRequest,
  RenderPlan,
  RouteName,
  TokenInfo,
} from './nemo-types.ts';

export * from './nemo-scripts.ts';
export type * from './nemo-types.ts';

const handlers: Record<RouteName, Handler> = {
  anonymousToken,
  createSession,
  claimToken,
  upload,
  credits,
  state,
  chat,
  renderSubmit,
  renderStatus,
  renderCancel,
  renderDownload,
  renderFile,
};

export async function startFakeNemo(
  options: { tokenPrefix?: string; port?: number } = {},
): Promise<FakeNemo> {
  const fake = new FakeNemoServer(options.tokenPrefix ?? 'nmv_usr_');
  await fake.listen(options.port ?? 0);
  return fake;
}

class FakeNemoServer implements FakeInternals {
  url = '';
  requests: RecordedRequest[] = [];
  tokens = new Map<string, TokenInfo>();
  expiredStyle: 'code' | 'http401' = 'code';
  sessions = new Map<string, FakeSession>();
  credits = { available: 100, frozen: 0, total: 100 };
  requireClientId = true;
  requireAttribution = true;
  latencyMs = 0;
  defaultChat: ChatScript = defaultChatScript();
  render: RenderPlan = { shape: 'top', statuses: ['pending', 'processing', 'completed'], urlReachable: true };
  renders = new Map<string, FakeRender>();
  mp4 = fakeMp4();
  onArrival: ((method: string, path: string) => void) | undefined;

  readonly #tokenPrefix: string;
  readonly #faults = new Map<RouteName, Array<{ fault: Fault; times: number }>>();
  readonly #chatQueue: ChatScript[] = [];
  /** Aborts every pending delay and hanging stream when the fake closes. */
  readonly #closing = new AbortController();
  readonly #server = createServer((req, res) => void this.#handle(req, res));

  constructor(tokenPrefix: string) {
    this.#tokenPrefix = tokenPrefix;
  }

  async listen(requestedPort: number): Promise<void> {
    this.#server.listen(requestedPort, '127.0.0.1');
    await once(this.#server, 'listening');
    const { port } = this.#server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    this.#closing.abort();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  requestsTo(route: RouteName): RecordedRequest[] {
    return this.requests.filter((request) => matchRoute(request.method, request.path)?.name === route);
  }

  issueToken(opts: { anonymous?: boolean } = {}): string {
    const anonymous = opts.anonymous ?? false;
    return this.mintToken({
      userId: `${anonymous ? 'anon' : 'usr'}_${randomHex(8)}`,
      expired: false,
      anonymous,
    });
  }

  mintToken(info: TokenInfo): string {
    const token = `${this.#tokenPrefix}${randomHex(16)}`;
    this.tokens.set(token, info);
    return token;
  }

  expireToken(token: string): void {
    const info = this.tokens.get(token);
    if (info) info.expired = true;
  }

  failNext(route: RouteName, fault: Fault, times = 1): void {
    const queue = this.#faults.get(route) ?? [];
    queue.push({ fault, times });
    this.#faults.set(route, queue);
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  queueChat(...scripts: ChatScript[]): void {
    this.#chatQueue.push(...scripts);
  }

  takeChatScript(): ChatScript {
    return this.#chatQueue.shift() ?? this.defaultChat;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.onArrival?.(req.method ?? 'GET', req.url ?? '/');
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    const signal = AbortSignal.any([this.#closing.signal, gone.signal]);
    try {
      await this.#dispatch(req, res, signal);
    } catch (error) {
      if (signal.aborted) return; // the client or the fake went away mid-answer: nobody to tell
      if (res.headersSent) res.destroy();
      else fail(res, 500, `fake NemoVideo crashed: ${String(error)}`, 500);
    }
  }

  async #dispatch(req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    const request: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: flatHeaders(req.headers),
      ...body.fields,
    };
    this.requests.push(request);
    if (this.latencyMs > 0) await sleep(this.latencyMs, signal);

    const route = matchRoute(method, url.pathname);
    if (!route) return fail(res, 404, 'Not found', 404);
    const fault = this.#takeFault(route.name);
    if (fault && (await answerFault(fault, req, res, signal))) return;

    let token = '';
    let userId = '';
    if (route.auth) {
      token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
      const info = this.tokens.get(token);
      if (!info) return fail(res, 1001, 'Invalid or expired token', 401);
      if (info.expired) return fail(res, 1001, 'Token expired', this.expiredStyle === 'code' ? 200 : 401);
      userId = info.userId;
    }
    if (body.malformed) return fail(res, 400, 'Malformed multipart body', 400);
    await handlers[route.name]({
      fake: this,
      req,
      res,
      request,
      params: route.params,
      userId,
      token,
      signal,
    });
  }

  #takeFault(route: RouteName): Fault | undefined {
    const queue = this.#faults.get(route);
    const head = queue?.[0];
    if (!head) return undefined;
    head.times -= 1;
    if (head.times <= 0) queue?.shift();
    return head.fault;
  }
}

/** True when the fault was the answer; false when the normal answer follows (a delay). */
async function answerFault(fault: Fault, req: IncomingMessage, res: ServerResponse, signal: AbortSignal) {
  if ('delayMs' in fault) {
    await sleep(fault.delayMs, signal);
    return false;
  }
  if ('destroy' in fault) {
    req.socket.destroy();
  } else if ('redirect' in fault) {
    res.writeHead(fault.status ?? 307, { location: fault.redirect }).end();
  } else {
    const isJson = fault.json !== undefined;
    const body = isJson ? JSON.stringify(fault.json) : (fault.body ?? '');
    res.writeHead(fault.status, {
      'content-type': fault.contentType ?? (isJson ? 'application/json' : 'text/plain'),
      'content-length': Buffer.byteLength(body),
      ...fault.headers,
    });
    res.end(body);
  }
  return true;
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
