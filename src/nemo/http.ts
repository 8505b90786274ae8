/**
 * The one place that sends requests to NemoVideo.
 *
 * It adds the attribution and auth headers, reads every answer through the tolerant envelope
 * reader, and applies the protocol's single retries: a rejected anonymous token is renewed, a
 * missing client id is recreated, a rate limit is waited out — each at most once per call.
 * Nothing is retried once the service may have acted on the request (5xx, timeouts, streams).
 */
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, type Dispatcher, interceptors, request } from 'undici';
import type { Logger } from '../log.ts';
import type { TokenProvider } from './auth.ts';
import { checkAnswer } from './envelope.ts';
import { fromTransportError, isNemoError, NemoError, type NemoErrorKey } from './errors.ts';

export interface Attribution {
  source: string;
  version: string;
  /** Overrides the per-call platform for every request when set. */
  platform?: string | undefined;
}

/** Per-call options every client method accepts. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
  /** The chat platform this request serves (`discord`, `telegram`, `console`), for attribution. */
  platform?: string | undefined;
}

export interface RequestBody {
  stream: Readable;
  contentType: string;
  length?: number | undefined;
}

export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  json?: unknown;
  /** A body factory, so a retried call can send the bytes again. */
  body?: () => Promise<RequestBody>;
  /** Send the bearer token (every route but the anonymous-token one). */
  auth?: boolean;
  accept?: string;
  /** Keep the response open instead of reading JSON (SSE, downloads). */
  streaming?: boolean;
  /** Idle time allowed between body bytes; 0 disables it (SSE manages its own timers). */
  bodyTimeoutMs?: number;
}

export interface StreamingAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

export interface TransportOptions {
  apiUrl: string;
  attribution: Attribution;
  tokens: TokenProvider;
  logger: Logger;
  rateLimitWaitMs: number;
  requestTimeoutMs: number;
  dispatcher?: Dispatcher;
}

const maxJsonAnswerBytes = 16 * 1024 * 1024;

export class NemoTransport {
  readonly #options: TransportOptions;
  readonly #dispatcher: Dispatcher;

  constructor(options: TransportOptions) {
    this.#options = options;
    // Redirects are followed (a proxy in front of the service may answer 307); undici drops the
    // Authorization header when a redirect leaves the service's origin.
    // The pool has no connection cap: MAX_CONCURRENT_OPERATIONS already bounds the work (its queue
    // shows people their place), and a chat stream holds its connection for minutes, so a cap
    // here would be a second, invisible queue where requests wait while the status says "working".
    this.#dispatcher =
      options.dispatcher ??
      new Agent({ keepAliveTimeout: 30_000 }).compose(interceptors.redirect({ maxRedirections: 3 }));
  }

  /** Sends a request and returns its parsed JSON body (wrapped or flat), or throws a NemoError. */
  json(spec: RequestSpec, call: CallOptions = {}): Promise<unknown> {
    return this.#withRetries({ ...spec, streaming: false }, call) as Promise<unknown>;
  }

  /** Sends a request and returns the open response body when it succeeded. */
  stream(spec: RequestSpec, call: CallOptions = {}): Promise<StreamingAnswer> {
    return this.#withRetries({ ...spec, streaming: true }, call) as Promise<StreamingAnswer>;
  }

  async close(): Promise<void> {
    await this.#dispatcher.close();
  }

  async #withRetries(spec: RequestSpec, call: CallOptions): Promise<unknown> {
    const retried = new Set<NemoErrorKey>();
    for (;;) {
      const token = spec.auth === false ? undefined : await this.#options.tokens.token();
      try {
        return await this.#attempt(spec, call, token);
      } catch (error) {
        if (!isNemoError(error) || retried.has(error.key)) throw error;
        retried.add(error.key);
        if (error.key === 'auth' && token !== undefined) {
          const renewed = await this.#options.tokens.renewAfterRejection(token);
          if (renewed === undefined) throw error;
        } else if (error.key === 'client_id') {
          await this.#options.tokens.renewClientId();
        } else if (error.key === 'rate_limited') {
          this.#options.logger.warn('nemo rate limited, waiting once', { path: spec.path });
          await sleep(this.#options.rateLimitWaitMs, undefined, { signal: call.signal }).catch(
            (abort: unknown) => {
              throw fromTransportError(abort, spec.path);
            },
          );
        } else {
          throw error;
        }
      }
    }
  }

  async #headers(spec: RequestSpec, call: CallOptions, token: string | undefined) {
    const { attribution, tokens } = this.#options;
    const headers: Record<string, string> = {
      accept: spec.accept ?? 'application/json',
      'x-skill-source': attribution.source,
      'x-skill-version': attribution.version,
      'x-skill-platform': attribution.platform ?? call.platform ?? 'console',
      'x-client-id': await tokens.clientId(),
    };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    return headers;
  }

  async #attempt(
    spec: RequestSpec,
    call: CallOptions,
    token: string | undefined,
    url = `${this.#options.apiUrl}${spec.path}`,
    redirects = 0,
  ): Promise<unknown> {
    const headers = await this.#headers(spec, call, token);
    let body: string | Readable | undefined;
    if (spec.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(spec.json);
    } else if (spec.body) {
      const made = await spec.body();
      headers['content-type'] = made.contentType;
      if (made.length !== undefined) headers['content-length'] = String(made.length);
      body = made.stream;
    }
    const started = performance.now();
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: spec.method,
        headers,
        body,
        signal: call.signal,
        dispatcher: this.#dispatcher,
        headersTimeout: this.#options.requestTimeoutMs,
        bodyTimeout: spec.bodyTimeoutMs ?? this.#options.requestTimeoutMs,
      });
    } catch (error) {
      if (typeof body === 'object') body.destroy();
      throw fromTransportError(error, `${spec.method} ${spec.path}`);
    }
    const contentType = String(response.headers['content-type'] ?? '');
    this.#options.logger.debug('nemo answer', {
      method: spec.method,
      path: spec.path,
      status: response.statusCode,
      ms: Math.round(performance.now() - started),
    });
    const next = spec.body ? sameOriginRedirect(response, url, redirects) : undefined;
    if (next) {
      // undici cannot replay a streamed body, so it hands such redirects back: the body is made
      // again and sent there. Only within the service's origin, where the token may go.
      if (typeof body === 'object') body.destroy();
      await response.body.dump();
      return this.#attempt(spec, call, token, next, redirects + 1);
    }
    const succeeded = response.statusCode >= 200 && response.statusCode < 300;
    if (spec.streaming && succeeded && !contentType.includes('json')) {
      return { status: response.statusCode, headers: response.headers, body: response.body };
    }
    let text: string;
    try {
      text = await readText(response.body, maxJsonAnswerBytes);
    } catch (error) {
      throw fromTransportError(error, `${spec.method} ${spec.path}`);
    }
    const context = `${spec.method} ${spec.path}`;
    const checked = checkAnswer({ status: response.statusCode, contentType, text }, context);
    if (spec.streaming)
      throw new NemoError(`${context}: expected a stream, got ${contentType}`, { key: 'bad_answer' });
    return checked;
  }
}

const maxBodyRedirects = 3;

/** Where a 307/308 answer to a streamed request points, when that is on the same origin. */
function sameOriginRedirect(
  response: Dispatcher.ResponseData,
  url: string,
  redirects: number,
): string | undefined {
  if (response.statusCode !== 307 && response.statusCode !== 308) return undefined;
  const location = response.headers.location;
  if (typeof location !== 'string' || redirects >= maxBodyRedirects) return undefined;
  const target = URL.parse(location, url);
  return target && target.origin === new URL(url).origin ? target.href : undefined;
}

async function readText(body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      throw new Error(`answer larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
