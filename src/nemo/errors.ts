/**
 * One error type for everything that can go wrong talking to NemoVideo.
 *
 * The `key` is stable and chat-agnostic: the conversation layer turns it into a message in the
 * person's language. `message` is technical, for logs only.
 */

export type NemoErrorKey =
  | 'auth' // 1001 / HTTP 401: bad or expired token
  | 'session_not_found' // 1002, or 404 "Session not found" before a stream
  | 'no_credits' // 2001
  | 'unsupported_file' // 4001, or refused before upload
  | 'empty_file' // a file of 0 bytes, refused before upload
  | 'file_too_large' // 4002, or refused before upload
  | 'client_id' // 400: missing or rejected X-Client-Id
  | 'bad_request' // another 400: the backend refused what we sent
  | 'export_blocked' // 402: the plan does not allow export
  | 'rate_limited' // 429
  | 'not_found' // 404 on something other than a session
  | 'server' // 5xx, or a proxy's HTML error page
  | 'network' // connection refused, reset, DNS
  | 'timeout' // no answer in time, or only heartbeats for too long
  | 'disconnected' // a chat stream cut before it closed normally
  | 'stream_error' // the agent reported an error inside the stream
  | 'render_failed' // the render finished as failed
  | 'cancelled' // stopped by our own AbortSignal
  | 'bad_answer'; // an answer whose shape we cannot read

const retryableKeys = new Set<NemoErrorKey>(['rate_limited', 'server', 'network', 'timeout', 'disconnected']);

export interface NemoErrorDetails {
  key: NemoErrorKey;
  /** NemoVideo's own `code`, when the answer carried one. */
  code?: number | undefined;
  /** HTTP status, when there was an answer. */
  status?: number | undefined;
  cause?: unknown;
}

export class NemoError extends Error {
  readonly key: NemoErrorKey;
  readonly code: number | undefined;
  readonly status: number | undefined;
  readonly retryable: boolean;

  constructor(message: string, details: NemoErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'NemoError';
    this.key = details.key;
    this.code = details.code;
    this.status = details.status;
    this.retryable = retryableKeys.has(details.key);
  }
}

export function isNemoError(error: unknown, key?: NemoErrorKey): error is NemoError {
  return error instanceof NemoError && (key === undefined || error.key === key);
}

/** The key for a NemoVideo `code` or HTTP status; `hint` is the answer's message text. */
export function keyForCode(code: number, hint = ''): NemoErrorKey {
  switch (code) {
    case 1001:
    case 401:
      return 'auth';
    case 1002:
      return 'session_not_found';
    case 2001:
      return 'no_credits';
    case 4001:
    case 415:
      return 'unsupported_file';
    case 4002:
    case 413:
      return 'file_too_large';
    case 400:
      return /client[\s_-]?id/i.test(hint) ? 'client_id' : 'bad_request';
    case 402:
      return 'export_blocked';
    case 404:
      return /session/i.test(hint) ? 'session_not_found' : 'not_found';
    case 408:
    case 504:
      return 'timeout';
    case 429:
      return 'rate_limited';
    default:
      // A redirect that could not be followed is the service's (or its proxy's) fault, not ours.
      return (code >= 500 && code < 600) || (code >= 300 && code < 400) ? 'server' : 'bad_request';
  }
}

/** Maps a transport failure (undici or an AbortSignal) to a NemoError. */
export function fromTransportError(error: unknown, context: string): NemoError {
  if (error instanceof NemoError) return error;
  const code = (error as { code?: string } | null)?.code ?? '';
  const name = (error as { name?: string } | null)?.name ?? '';
  const detail = error instanceof Error ? error.message : String(error);
  if (name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new NemoError(`${context}: timed out (${detail})`, { key: 'timeout', cause: error });
  }
  if (name === 'AbortError' || code === 'UND_ERR_ABORTED') {
    return new NemoError(`${context}: cancelled`, { key: 'cancelled', cause: error });
  }
  return new NemoError(`${context}: ${detail}`, { key: 'network', cause: error });
}
