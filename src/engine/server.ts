/**
 * The local engine's HTTP server: NemoVideo's protocol (../shared/nemovideo-protocol.md) on the
 * admin's own machine. Tokens are issued and checked locally, sessions belong to the token's user,
 * edits come from the deterministic director, and renders from ffmpeg.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, BlockList } from 'node:net';
import { basename, join } from 'node:path';
import type { Logger } from '../log.ts';
import { answerChat } from './chat.ts';
import type { Ffmpeg } from './ffmpeg.ts';
import type { MediaItem } from './media.ts';
import { MultipartParser, multipartBoundary } from './multipart.ts';
import { Renders } from './renders.ts';
import { safeFetch, UrlRefused } from './safe-fetch.ts';
import type { EngineSession, EngineState } from './state.ts';
import { IncomingMedia, UploadRefused } from './uploads.ts';

export interface EngineServerOptions {
  dataDir: string;
  state: EngineState;
  ff: Ffmpeg;
  logger: Logger;
  maxUploadBytes: number;
  /** Addresses URL uploads may not reach; the default blocks every internal range. */
  forbiddenAddresses?: BlockList | undefined;
}

interface Context {
  request: IncomingMessage;
  response: ServerResponse;
  params: string[];
  userId: string | undefined;
}

type Handler = (context: Context) => Promise<void>;

/** Credits are not counted here; this is what "unlimited" reads as to a NemoVideo client. */
const unlimitedCredits = 1_000_000;
const maxJsonBytes = 1024 * 1024;

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

const ok = (response: ServerResponse, data: unknown) =>
  send(response, 200, { code: 0, message: 'success', data });
const fail = (response: ServerResponse, status: number, code: number, message: string) =>
  send(response, status, { code, message });

async function readJson(request: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxJsonBytes) return undefined;
    chunks.push(chunk);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export class EngineServer {
  readonly #options: EngineServerOptions;
  readonly #renders: Renders;
  readonly #server: Server;
  readonly #routes: Array<[method: string, pattern: RegExp, handler: Handler, auth: boolean]>;
  #url = '';

  constructor(options: EngineServerOptions) {
    this.#options = options;
    this.#renders = new Renders(options.dataDir, options.ff, (id) => this.#mediaPath(id));
    this.#routes = [
      ['POST', /^\/api\/auth\/anonymous-token$/, (c) => this.#anonymousToken(c), false],
      ['POST', /^\/api\/tasks\/me\/with-session\/nemo_agent$/, (c) => this.#createSession(c), true],
      ['POST', /^\/api\/auth\/claim-token$/, async ({ response }) => this.#noClaims(response), true],
      ['POST', /^\/api\/upload-video\/nemo_agent\/me\/(\d+)$/, (c) => this.#upload(c), true],
      ['GET', /^\/api\/credits\/balance\/simple$/, async ({ response }) => this.#credits(response), true],
      ['GET', /^\/api\/state\/nemo_agent\/me\/(\d+)\/latest$/, async (c) => this.#state(c), true],
      ['POST', /^\/run_sse$/, (c) => this.#chat(c), true],
      ['POST', /^\/api\/render\/proxy\/lambda$/, (c) => this.#submitRender(c), true],
      ['GET', /^\/api\/render\/proxy\/lambda\/([\w-]+)$/, (c) => this.#renderStatus(c), true],
      ['POST', /^\/api\/render\/proxy\/lambda\/([\w-]+)\/cancel$/, async (c) => this.#cancelRender(c), true],
      ['GET', /^\/api\/render\/proxy\/([\w-]+)\/download$/, (c) => this.#download(c), true],
      // The "CDN" link of a finished render: unguessable, like a signed URL, and needs no token.
      ['GET', /^\/files\/([\w-]+)\.mp4$/, (c) => this.#download(c), false],
    ];
    this.#server = createServer((request, response) => void this.#handle(request, response));
  }

  get url(): string {
    return this.#url;
  }

  async listen(host: string, port: number): Promise<string> {
    await mkdir(join(this.#options.dataDir, 'media'), { recursive: true });
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => resolve());
    });
    const address = this.#server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.#url = `http://${shownHost}:${address.port}`;
    return this.#url;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  #mediaPath(id: string): string {
    return join(this.#options.dataDir, 'media', id);
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://engine').pathname;
    try {
      for (const [method, pattern, handler, auth] of this.#routes) {
        const match = pattern.exec(path);
        if (!match || request.method !== method) continue;
        const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
        const userId = this.#options.state.userOf(token);
        if (auth && !userId) return fail(response, 401, 1001, 'Invalid or expired token');
        return await handler({ request, response, params: match.slice(1), userId });
      }
      fail(response, 404, 404, 'Not found');
    } catch (error) {
      this.#options.logger.error('engine request failed', { path, error });
      fail(response, 500, 500, 'Internal error');
    }
  }

  #session(context: Context, sessionId: string | undefined): EngineSession | undefined {
    return sessionId && context.userId ? this.#options.state.session(sessionId, context.userId) : undefined;
  }

  async #anonymousToken({ request, response }: Context): Promise<void> {
    if (!request.headers['x-client-id']) return fail(response, 400, 400, 'Missing X-Client-Id');
    const issued = await this.#options.state.issueToken();
    ok(response, {
      token: issued.token,
      user_id: issued.userId,
      expires_at: new Date(issued.expiresAt).toISOString(),
      credits: unlimitedCredits,
    });
  }

  async #createSession(context: Context): Promise<void> {
    const body = await readJson(context.request);
    if (!body) return fail(context.response, 400, 400, 'Invalid JSON body');
    const taskName = typeof body.task_name === 'string' ? body.task_name : 'project';
    const language = typeof body.language === 'string' ? body.language : 'en';
    const session = await this.#options.state.createSession(context.userId as string, taskName, language);
    ok(context.response, { task_id: session.taskId, session_id: session.sessionId, user_id: session.userId });
  }

  #noClaims(response: ServerResponse): void {
    // Projects live on this machine; there is no web editor to open them in.
    fail(response, 404, 404, 'Claim links are not available on the local engine');
  }

  #credits(response: ServerResponse): void {
    ok(response, { available: unlimitedCredits, frozen: 0, total: unlimitedCredits, local: true });
  }

  #state(context: Context): void {
    const session = this.#session(context, context.params[0]);
    if (!session) {
      fail(context.response, 200, 1002, 'Session not found');
      return;
    }
    const canvas = session.draft ? { width: session.draft.m.width, height: session.draft.m.height } : null;
    ok(context.response, {
      state: {
        draft: session.draft,
        video_infos: session.media,
        canvas_config: canvas,
        generated_media: [],
        video_analyses: [],
      },
    });
  }

  async #upload(context: Context): Promise<void> {
    const session = this.#session(context, context.params[0]);
    if (!session) {
      context.request.resume();
      return fail(context.response, 200, 1002, 'Session not found');
    }
    const boundary = multipartBoundary(context.request.headers['content-type']);
    let received: MediaItem[];
    try {
      received = boundary
        ? await this.#receiveParts(context.request, boundary)
        : await this.#receiveUrls(context.request);
    } catch (error) {
      // The client may still be sending: discard the rest, and close the connection after the
      // answer so its unread bytes cannot garble the next request on it.
      context.request.resume();
      context.response.setHeader('connection', 'close');
      if (error instanceof UploadRefused) return fail(context.response, 200, error.code, error.message);
      if (error instanceof UrlRefused)
        return fail(context.response, 400, 400, `URL refused: ${error.message}`);
      if (error instanceof BadUpload) return fail(context.response, 400, 400, error.message);
      throw error;
    }
    await this.#options.state.update(session, { media: [...session.media, ...received] });
    ok(context.response, {
      files: received.map((item) => ({
        filename: item.name,
        file_type: item.kind,
        cdn_url: `local://media/${item.id}`,
        duration: item.durationMs === undefined ? undefined : item.durationMs / 1000,
        width: item.width,
        height: item.height,
        hash: item.id,
      })),
      session_state_applied: true,
    });
  }

  /** Multipart: every `files` part streams into its own IncomingMedia; one bad file refuses them all. */
  async #receiveParts(request: IncomingMessage, boundary: string): Promise<MediaItem[]> {
    const incoming: IncomingMedia[] = [];
    let current: IncomingMedia | undefined;
    const parser = new MultipartParser(boundary, (headers) => {
      if (headers.name !== 'files') return { write: () => {}, end: () => {} };
      const media = new IncomingMedia(
        join(this.#options.dataDir, 'media'),
        displayName(headers.filename),
        this.#options.maxUploadBytes,
      );
      incoming.push(media);
      current = media;
      return { write: (bytes) => media.write(bytes), end: () => {} };
    });
    try {
      for await (const chunk of request as AsyncIterable<Buffer>) {
        try {
          parser.write(chunk);
        } catch (error) {
          if (error instanceof UploadRefused) throw error;
          throw new BadUpload('Malformed multipart body');
        }
        await current?.drained();
      }
      if (!parser.complete || incoming.length === 0) throw new BadUpload('No files in the upload');
      return await this.#finishAll(incoming);
    } catch (error) {
      await Promise.all(incoming.map((media) => media.discard()));
      throw error;
    }
  }

  async #receiveUrls(request: IncomingMessage): Promise<MediaItem[]> {
    const body = await readJson(request);
    const urls = body?.urls;
    if (!Array.isArray(urls) || urls.length === 0 || !urls.every((url) => typeof url === 'string')) {
      throw new BadUpload('Expected {"urls": [...]}');
    }
    const incoming: IncomingMedia[] = [];
    try {
      for (const url of urls as string[]) {
        const fetched = await safeFetch(url, {
          maxBytes: this.#options.maxUploadBytes,
          forbidden: this.#options.forbiddenAddresses,
        });
        const media = new IncomingMedia(
          join(this.#options.dataDir, 'media'),
          displayName(decodeURIComponent(basename(fetched.url.pathname))),
          this.#options.maxUploadBytes,
        );
        incoming.push(media);
        for await (const chunk of fetched.body as AsyncIterable<Buffer>) {
          try {
            media.write(chunk);
          } catch (error) {
            fetched.body.destroy();
            throw error;
          }
          await media.drained();
        }
      }
      return await this.#finishAll(incoming);
    } catch (error) {
      await Promise.all(incoming.map((media) => media.discard()));
      throw error;
    }
  }

  async #finishAll(incoming: IncomingMedia[]): Promise<MediaItem[]> {
    const items: MediaItem[] = [];
    for (const media of incoming) items.push(await media.finish(this.#options.ff));
    return items;
  }

  async #chat(context: Context): Promise<void> {
    const body = await readJson(context.request);
    const sessionId = typeof body?.session_id === 'string' ? body.session_id : undefined;
    const parts = (body?.new_message as { parts?: Array<{ text?: unknown }> } | undefined)?.parts;
    const text = parts?.map((part) => (typeof part.text === 'string' ? part.text : '')).join('') ?? '';
    const session = this.#session(context, sessionId);
    if (!session) return send(context.response, 404, { detail: 'Session not found' });
    await answerChat(context.response, this.#options.state, session, text);
  }

  async #submitRender(context: Context): Promise<void> {
    const body = await readJson(context.request);
    const id = typeof body?.id === 'string' ? body.id : undefined;
    const session = this.#session(context, typeof body?.sessionId === 'string' ? body.sessionId : undefined);
    if (!id || !/^[\w-]{1,100}$/.test(id)) {
      return send(context.response, 400, { success: false, error: 'A render id is required' });
    }
    if (!session) return send(context.response, 404, { success: false, error: 'Session not found' });
    if (this.#renders.has(id))
      return send(context.response, 409, { success: false, error: 'Render id already exists' });
    const job = this.#renders.submit(id, session.sessionId, body?.draft);
    send(context.response, 200, {
      success: true,
      data: { id: job.id, status: job.state, progress: job.progress },
    });
  }

  async #renderStatus(context: Context): Promise<void> {
    const id = context.params[0] as string;
    const job = await this.#renders.status(id);
    if (!job) return send(context.response, 404, { success: false, error: 'Render not found' });
    const output = job.state === 'completed' ? await this.#outputInfo(id) : undefined;
    send(context.response, 200, {
      id,
      status: job.state,
      progress: job.progress,
      ...(output ? { output } : {}),
      ...(job.error ? { error: job.error } : {}),
    });
  }

  async #outputInfo(id: string): Promise<{ url: string; size: number }> {
    const { size } = await stat(this.#renders.outputPath(id));
    return { url: `${this.#url}/files/${id}.mp4`, size };
  }

  #cancelRender(context: Context): void {
    const id = context.params[0] as string;
    if (this.#renders.cancel(id))
      send(context.response, 200, { success: true, data: { id, status: 'cancelled' } });
    else send(context.response, 404, { success: false, error: 'Render not found' });
  }

  async #download(context: Context): Promise<void> {
    const id = context.params[0] as string;
    const job = await this.#renders.status(id);
    if (job?.state !== 'completed')
      return fail(context.response, 404, 404, 'No finished render with that id');
    const path = this.#renders.outputPath(id);
    const { size } = await stat(path);
    context.response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': size });
    createReadStream(path).pipe(context.response);
  }
}

class BadUpload extends Error {}

/** The name shown back to the person: their own, cut to a sane length, never used as a path. */
function displayName(name: string | undefined): string {
  const cleaned = (name ?? '').replace(/[\p{Cc}\p{Cf}/\\]/gu, '').trim();
  return Array.from(cleaned || `file-${randomBytes(3).toString('hex')}`)
    .slice(0, 120)
    .join('');
}
