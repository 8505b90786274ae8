/** Public types of the fake NemoVideo backend (see nemo-server.ts). */

export type RouteName =
  | 'anonymousToken'
  | 'createSession'
  | 'claimToken'
  | 'upload'
  | 'credits'
  | 'state'
  | 'chat'
  | 'renderSubmit'
  | 'renderStatus'
  | 'renderCancel'
  | 'renderDownload'
  | 'renderFile';

export interface RecordedPart {
  name: string;
  filename?: string;
  contentType?: string;
  size: number;
  sha256: string;
}

export interface RecordedRequest {
  method: string;
  /** Pathname without the query. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased names, as received. */
  headers: Record<string, string>;
  /** Parsed body when the content type is JSON. */
  json?: unknown;
  /** Raw body text when it is neither JSON nor multipart (first 1 MB). */
  text?: string;
  /** multipart/form-data parts, hashed as they streamed in (never buffered whole). */
  parts?: RecordedPart[];
  bodyBytes: number;
}

export interface TokenInfo {
  userId: string;
  clientId?: string;
  expired: boolean;
  anonymous: boolean;
}

export interface Draft {
  t: Array<{ tt: number; sg: Array<{ d: number; m?: Record<string, unknown> }> }>;
  m?: Record<string, unknown>;
}

export interface UploadedFile {
  filename: string;
  file_type: string;
  cdn_url: string;
  duration?: number;
  width?: number;
  height?: number;
  fps?: number;
  hash: string;
}

export interface FakeSession {
  sessionId: string;
  taskId: string;
  /** The token that created it; any token of the same user may use it. */
  token: string;
  language: string;
  taskName: string;
  draft: Draft | null;
  uploads: UploadedFile[];
  videoInfos: unknown[];
}

export type Fault =
  | { status: number; json?: unknown; body?: string; contentType?: string; headers?: Record<string, string> }
  /** Answers normally, but only after the delay. */
  | { delayMs: number }
  /** Destroys the socket without an answer. */
  | { destroy: true }
  /** 307 unless told otherwise, to a path or a URL. */
  | { redirect: string; status?: number };

export type ChatStep =
  /** Written as `data: <json>\n\n`. */
  | { event: unknown }
  /** Written verbatim: CRLF framing, an event split over two writes, … */
  | { raw: string }
  /** `: <comment>\n\n` */
  | { comment: string }
  /** `data:\n\n` */
  | { emptyData: true }
  | { delayMs: number }
  /** Changes the session's draft at this point, as a tool of the agent would. */
  | { setDraft: Draft | null }
  /** Abrupt disconnect mid-stream. */
  | { destroy: true }
  /** Stops writing but keeps the connection open until the client goes away (or close()). */
  | { hang: true };

/** `status`/`json` answer before any stream (e.g. 404 {"detail":"Session not found"}). */
export interface ChatScript {
  status?: number;
  json?: unknown;
  contentType?: string;
  steps: ChatStep[];
}

export type RenderStatus = 'pending' | 'processing' | 'completed' | 'failed';

export interface RenderPlan {
  /** Which documented render-status shape the status GETs answer with. */
  shape: 'top' | 'data' | 'flat';
  /** One per status GET; the last one repeats. */
  statuses: RenderStatus[];
  failureMessage?: string;
  /** false: the output URL answers 403, so the client must fall back to /download. */
  urlReachable: boolean;
}

export interface FakeRender {
  id: string;
  sessionId: string;
  draft: unknown;
  output: unknown;
  /** The status last reported to a poll ('pending' before the first). */
  status: string;
  progress: number;
  polls: number;
  cancelled: boolean;
  /** A copy of `FakeNemo.render` taken at submit time. */
  plan: RenderPlan;
  createdAt: string;
}

export interface FakeNemo {
  /** e.g. http://127.0.0.1:43123 */
  url: string;
  /** Every request in arrival order, recorded once its body has been read. */
  requests: RecordedRequest[];
  requestsTo(route: RouteName): RecordedRequest[];
  /** Stops the server and destroys open sockets, hanging streams included. */
  close(): Promise<void>;

  tokens: Map<string, TokenInfo>;
  issueToken(opts?: { anonymous?: boolean }): string;
  /** Further use answers 1001, as `expiredStyle` says. */
  expireToken(token: string): void;
  expiredStyle: 'code' | 'http401';
  sessions: Map<string, FakeSession>;
  credits: { available: number; frozen: number; total: number };
  /** An anonymous-token call without X-Client-Id answers HTTP 400. */
  requireClientId: boolean;
  /** A render submit without X-Skill-Source answers HTTP 402. */
  requireAttribution: boolean;
  /** Added before answering every request. */
  latencyMs: number;
  /**
   * Called as soon as a request's head has been parsed, before its body is read or anything is
   * recorded: the earliest moment the fake knows of a request (benchmarks time arrivals with it).
   * `path` is the request target as sent, query included.
   */
  onArrival?: ((method: string, path: string) => void) | undefined;

  /** The next `times` (default 1) requests to `route` get `fault` instead of the normal answer. */
  failNext(route: RouteName, fault: Fault, times?: number): void;
  /** Forgets every fault still queued (a burst is over). */
  clearFaults(): void;

  /** The next /run_sse requests play these scripts in order; then `defaultChat` plays. */
  queueChat(...scripts: ChatScript[]): void;
  defaultChat: ChatScript;

  /** How the renders submitted from now on behave. */
  render: RenderPlan;
  renders: Map<string, FakeRender>;
  /** The bytes of every finished render. */
  mp4: Buffer;
}
