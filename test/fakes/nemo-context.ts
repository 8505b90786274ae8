/** What a route handler of the fake gets, and the small helpers it answers with. */
import { randomBytes, randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { ChatScript, FakeNemo, FakeSession, RecordedRequest, TokenInfo } from './nemo-types.ts';

/** The fake as its handlers see it: the public surface plus what only they may call. */
export interface FakeInternals extends FakeNemo {
  mintToken(info: TokenInfo): string;
  takeChatScript(): ChatScript;
}

export interface Ctx {
  fake: FakeInternals;
  req: IncomingMessage;
  res: ServerResponse;
  request: RecordedRequest;
  /** Named groups of the route's pattern, decoded. */
  params: Record<string, string>;
  /** The caller's user; '' on the routes that need no token. */
  userId: string;
  token: string;
  /** Aborted when the client goes away or the fake closes. */
  signal: AbortSignal;
}

export type Handler = (ctx: Ctx) => void | Promise<void>;

export function send(res: ServerResponse, status: number, body: string | Buffer, contentType: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, JSON.stringify(body), 'application/json');
}

/** The usual envelope. */
export function ok(res: ServerResponse, data: unknown): void {
  sendJson(res, 200, { code: 0, message: 'success', data });
}

/** An error in the usual envelope: most of them come with HTTP 200. */
export function fail(res: ServerResponse, code: number, message: string, status = 200): void {
  sendJson(res, status, { code, message });
}

export function jsonObject(ctx: Ctx): Record<string, unknown> | undefined {
  const { json } = ctx.request;
  return json !== null && typeof json === 'object' && !Array.isArray(json)
    ? (json as Record<string, unknown>)
    : undefined;
}

/**
 * The session if the caller's user owns it. Ownership is by user, not by token: an anonymous
 * token refreshed with the same client id keeps its sessions.
 */
export function ownSession(ctx: Ctx, sessionId: unknown): FakeSession | undefined {
  const session = typeof sessionId === 'string' ? ctx.fake.sessions.get(sessionId) : undefined;
  return session && ctx.fake.tokens.get(session.token)?.userId === ctx.userId ? session : undefined;
}

/** Rejects with an AbortError when `signal` aborts, so no timer outlives the fake. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal });
}

export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** A string of digits with no leading zero, like NemoVideo's session ids. */
export function randomDigits(length: number): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < length) digits += String(randomInt(0, 10));
  return digits;
}
