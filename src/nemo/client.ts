/**
 * The NemoVideo client: one method per endpoint of the protocol, typed answers, no chat knowledge.
 * Nothing else in the project builds a NemoVideo URL.
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { request } from 'undici';
import { z } from 'zod';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import type { Store } from '../store.ts';
import { type AnonymousToken, type TokenKind, TokenProvider } from './auth.ts';
import type { ChatEvent } from './chat-events.ts';
import { streamChat } from './chat-stream.ts';
import { readPayload } from './envelope.ts';
import { fromTransportError } from './errors.ts';
import { assertUploadable } from './formats.ts';
import { type Attribution, type CallOptions, NemoTransport, type RequestSpec } from './http.ts';
import { multipartBody, type UploadSource } from './multipart.ts';
import { type RenderStatus, renderStatusSchema } from './render.ts';

export interface NemoClientOptions {
  apiUrl: string;
  webUrl: string;
  token?: string | undefined;
  clientId?: string | undefined;
  attribution: Attribution;
  store: Store;
  logger?: Logger;
  uploadMaxBytes: number;
  rateLimitWaitMs: number;
  requestTimeoutMs: number;
  chatTimeoutMs: number;
  chatIdleTimeoutMs: number;
}

export interface Session {
  taskId: string;
  sessionId: string;
}

export interface UploadedFile {
  filename: string;
  fileType: string | undefined;
  cdnUrl: string | undefined;
  durationSeconds: number | undefined;
  width: number | undefined;
  height: number | undefined;
}

export interface Credits {
  available: number;
  frozen: number;
  total: number;
}

export interface SessionState {
  /** The timeline; its shape is only partly documented, so it stays `unknown` until read by draft code. */
  draft: unknown;
  videoInfos: unknown[];
  canvasConfig: unknown;
  generatedMedia: unknown[];
  videoAnalyses: unknown[];
}

export interface RenderOutput {
  body: Readable;
  sizeBytes: number | undefined;
}

// Identifiers arrive as strings or numbers; session ids are long digit strings that must never
// pass through a JS number.
const id = z.union([z.string().min(1), z.number().transform(String)]);
const loose = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
const list = z.array(z.unknown()).catch([]).default([]);

const anonymousTokenSchema = z.object({
  token: z.string().min(1),
  user_id: loose(id),
  expires_at: loose(z.string()),
});
const sessionSchema = z.object({ task_id: id, session_id: id });
const claimSchema = z.object({ claim_token: z.string().min(1), expires_in: loose(z.coerce.number()) });
const creditsSchema = z.object({
  available: z.coerce.number(),
  frozen: z.coerce.number().catch(0).default(0),
  total: z.coerce.number().optional(),
});
const uploadSchema = z.object({
  files: z.array(
    z.object({
      filename: z.string().catch('file'),
      file_type: loose(z.string()),
      cdn_url: loose(z.string()),
      duration: loose(z.coerce.number()),
      width: loose(z.coerce.number()),
      height: loose(z.coerce.number()),
    }),
  ),
});
const stateSchema = z.object({
  state: z
    .object({
      draft: z.unknown(),
      video_infos: list,
      canvas_config: z.unknown(),
      generated_media: list,
      video_analyses: list,
    })
    .catch({ draft: null, video_infos: [], canvas_config: null, generated_media: [], video_analyses: [] }),
});

const sevenDaysMs = 7 * 24 * 60 * 60_000;

export class NemoClient {
  readonly #options: NemoClientOptions;
  readonly #tokens: TokenProvider;
  readonly #transport: NemoTransport;
  readonly #logger: Logger;

  constructor(options: NemoClientOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#tokens = new TokenProvider({
      store: options.store,
      scope: options.apiUrl,
      configuredToken: options.token,
      configuredClientId: options.clientId,
      requestAnonymousToken: () => this.#requestAnonymousToken(),
    });
    this.#transport = new NemoTransport({
      apiUrl: options.apiUrl,
      attribution: options.attribution,
      tokens: this.#tokens,
      logger: this.#logger,
      rateLimitWaitMs: options.rateLimitWaitMs,
      requestTimeoutMs: options.requestTimeoutMs,
    });
  }

  /** Whether the bot runs on the admin's token or on an anonymous one (it changes what 2001 means). */
  get tokenKind(): TokenKind {
    return this.#tokens.kind;
  }

  get uploadMaxBytes(): number {
    return this.#options.uploadMaxBytes;
  }

  async #call<T>(spec: RequestSpec, schema: z.ZodType<T>, call?: CallOptions): Promise<T> {
    const body = await this.#transport.json(spec, call);
    return readPayload(body, schema, `${spec.method} ${spec.path}`);
  }

  async #requestAnonymousToken(): Promise<AnonymousToken> {
    this.#logger.info('requesting an anonymous NemoVideo token');
    const data = await this.#call(
      { method: 'POST', path: '/api/auth/anonymous-token', auth: false },
      anonymousTokenSchema,
    );
    const expiresAt = data.expires_at ? Date.parse(data.expires_at) : Number.NaN;
    return {
      token: data.token,
      userId: data.user_id ?? '',
      expiresAt: Number.isFinite(expiresAt) ? expiresAt : Date.now() + sevenDaysMs,
    };
  }

  async createSession(input: { taskName: string; language: string }, call?: CallOptions): Promise<Session> {
    const data = await this.#call(
      {
        method: 'POST',
        path: '/api/tasks/me/with-session/nemo_agent',
        json: { task_name: input.taskName, language: input.language },
      },
      sessionSchema,
      call,
    );
    return { taskId: data.task_id, sessionId: data.session_id };
  }

  /** A link that opens the project in NemoVideo's web editor (and lets an anonymous user keep it). */
  async claimLink(session: Session, call?: CallOptions): Promise<{ url: string; expiresInSeconds?: number }> {
    const data = await this.#call(
      {
        method: 'POST',
        path: '/api/auth/claim-token',
        json: { task_id: session.taskId, session_id: session.sessionId },
      },
      claimSchema,
      call,
    );
    const url = `${this.#options.webUrl}/workspace/claim?ct=${encodeURIComponent(data.claim_token)}`;
    return data.expires_in === undefined ? { url } : { url, expiresInSeconds: data.expires_in };
  }

  /** Streams files into the session as one multipart request; refuses bad files before sending a byte. */
  async uploadFiles(sessionId: string, files: UploadSource[], call?: CallOptions): Promise<UploadedFile[]> {
    if (files.length === 0) return [];
    for (const file of files) assertUploadable(file, this.#options.uploadMaxBytes);
    const data = await this.#call(
      {
        method: 'POST',
        path: this.#uploadPath(sessionId),
        body: async () => multipartBody('files', files, this.#options.uploadMaxBytes),
      },
      uploadSchema,
      call,
    );
    return data.files.map(toUploadedFile);
  }

  /** Lets the backend fetch the files itself (for links that are safe to share, such as Discord CDN URLs). */
  async uploadUrls(sessionId: string, urls: string[], call?: CallOptions): Promise<UploadedFile[]> {
    if (urls.length === 0) return [];
    const data = await this.#call(
      { method: 'POST', path: this.#uploadPath(sessionId), json: { urls, source_type: 'url' } },
      uploadSchema,
      call,
    );
    return data.files.map(toUploadedFile);
  }

  #uploadPath(sessionId: string): string {
    return `/api/upload-video/nemo_agent/me/${encodeURIComponent(sessionId)}`;
  }

  async credits(call?: CallOptions): Promise<Credits> {
    const data = await this.#call(
      { method: 'GET', path: '/api/credits/balance/simple' },
      creditsSchema,
      call,
    );
    return {
      available: data.available,
      frozen: data.frozen,
      total: data.total ?? data.available + data.frozen,
    };
  }

  async sessionState(sessionId: string, call?: CallOptions): Promise<SessionState> {
    const data = await this.#call(
      { method: 'GET', path: `/api/state/nemo_agent/me/${encodeURIComponent(sessionId)}/latest` },
      stateSchema,
      call,
    );
    const state = data.state;
    return {
      draft: state.draft ?? null,
      videoInfos: state.video_infos,
      canvasConfig: state.canvas_config ?? null,
      generatedMedia: state.generated_media,
      videoAnalyses: state.video_analyses,
    };
  }

  /** Sends one message and yields the answer's events; see `streamChat` for the contract. */
  chat(
    sessionId: string,
    message: string,
    call: CallOptions = {},
  ): AsyncGenerator<ChatEvent, void, undefined> {
    return streamChat(this.#transport, sessionId, message, {
      ...call,
      timeoutMs: this.#options.chatTimeoutMs,
      idleTimeoutMs: this.#options.chatIdleTimeoutMs,
    });
  }

  /** Submits a render with a fresh id (a retry must use a new one). */
  async submitRender(sessionId: string, draft: unknown, call?: CallOptions): Promise<RenderStatus> {
    const renderId = `render_${Date.now()}_${randomBytes(4).toString('hex')}`;
    return this.#call(
      {
        method: 'POST',
        path: '/api/render/proxy/lambda',
        json: { id: renderId, sessionId, draft, output: { format: 'mp4', quality: 'high' } },
      },
      renderStatusSchema(renderId),
      call,
    );
  }

  async renderStatus(renderId: string, call?: CallOptions): Promise<RenderStatus> {
    return this.#call(
      { method: 'GET', path: `/api/render/proxy/lambda/${encodeURIComponent(renderId)}` },
      renderStatusSchema(renderId),
      call,
    );
  }

  async cancelRender(renderId: string, call?: CallOptions): Promise<void> {
    await this.#transport.json(
      { method: 'POST', path: `/api/render/proxy/lambda/${encodeURIComponent(renderId)}/cancel` },
      call,
    );
  }

  /**
   * Opens the finished video: the output URL first (a CDN link, fetched without our credentials),
   * then the authorized download route when the link cannot be fetched.
   */
  async openRender(status: RenderStatus, call: CallOptions = {}): Promise<RenderOutput> {
    if (status.url) {
      try {
        const response = await request(status.url, {
          method: 'GET',
          signal: call.signal,
          // A CDN that hangs must not hold the delivery for undici's default five minutes.
          headersTimeout: this.#options.requestTimeoutMs,
          bodyTimeout: this.#options.requestTimeoutMs,
        });
        // An error page served with 200 (HTML, JSON, XML) is not the video.
        const type = String(response.headers['content-type'] ?? '');
        if (response.statusCode >= 200 && response.statusCode < 300 && !/html|json|xml/i.test(type)) {
          return { body: response.body, sizeBytes: contentLength(response.headers['content-length']) };
        }
        await response.body.dump();
        this.#logger.warn('render URL not fetchable, using the download route', {
          status: response.statusCode,
          contentType: type,
        });
      } catch (error) {
        if (call.signal?.aborted) throw fromTransportError(error, 'GET render output');
        this.#logger.warn('render URL not fetchable, using the download route', { error: String(error) });
      }
    }
    const answer = await this.#transport.stream(
      {
        method: 'GET',
        path: `/api/render/proxy/${encodeURIComponent(status.id)}/download`,
        accept: 'video/mp4',
      },
      call,
    );
    return { body: answer.body, sizeBytes: contentLength(answer.headers['content-length']) };
  }

  async close(): Promise<void> {
    await this.#transport.close();
  }
}

function toUploadedFile(file: z.infer<typeof uploadSchema>['files'][number]): UploadedFile {
  return {
    filename: file.filename,
    fileType: file.file_type,
    cdnUrl: file.cdn_url,
    durationSeconds: file.duration,
    width: file.width,
    height: file.height,
  };
}

function contentLength(header: string | string[] | undefined): number | undefined {
  const value = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}
