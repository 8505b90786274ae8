import Keyv from 'keyv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../src/nemo/chat-events.ts';
import type { NemoClient, Session } from '../../src/nemo/index.ts';
import {
  adkError,
  adkReply,
  adkToolCall,
  adkToolResult,
  type FakeNemo,
  startFakeNemo,
  typedHeartbeat,
  typedText,
  typedToolCall,
  typedToolResult,
} from '../fakes/nemo-server.ts';
import { clientFor } from '../support/nemo-client.ts';

let fake: FakeNemo;
let store: Keyv;
let client: NemoClient;
let session: Session;

beforeEach(async () => {
  fake = await startFakeNemo();
  store = new Keyv();
  client = clientFor(fake, { store });
  session = await client.createSession({ taskName: 'promo', language: 'en' });
});
afterEach(async () => {
  await client.close();
  await fake.close();
});

async function collect(stream: AsyncIterable<ChatEvent>): Promise<ChatEvent[]> {
  const events: ChatEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const textOf = (events: ChatEvent[]) =>
  events.map((event) => (event.type === 'text' ? event.text : '')).join('');
const kinds = (events: ChatEvent[]) => events.map((event) => event.type);

describe('chat stream', () => {
  it('sends the ADK run_sse body and yields the text once', async () => {
    fake.queueChat({ steps: adkReply('Here is your 30-second promo with music.', { chunks: 4 }) });
    const events = await collect(client.chat(session.sessionId, 'make a promo', { platform: 'telegram' }));
    expect(textOf(events)).toBe('Here is your 30-second promo with music.');
    expect(events.filter((event) => event.type === 'text')).toHaveLength(5);
    expect(events.at(-1)).toEqual({ type: 'end', complete: true });
    const [request] = fake.requestsTo('chat');
    expect(request?.json).toEqual({
      app_name: 'nemo_agent',
      user_id: 'me',
      session_id: session.sessionId,
      new_message: { role: 'user', parts: [{ text: 'make a promo' }] },
    });
    expect(request?.headers.accept).toBe('text/event-stream');
    expect(request?.headers['content-type']).toBe('application/json');
  });

  it('yields tool calls and results from both event styles', async () => {
    fake.queueChat({
      steps: [
        adkToolCall('add_bgm', { style: 'lofi' }),
        adkToolResult('add_bgm', { ok: true }),
        typedToolCall('add_title', { text: 'Sale' }),
        typedToolResult('add_title', 'done'),
        typedText('All set.'),
      ],
    });
    const events = await collect(client.chat(session.sessionId, 'add music and a title'));
    expect(events.slice(0, 5)).toEqual([
      { type: 'tool_call', name: 'add_bgm', args: { style: 'lofi' } },
      { type: 'tool_result', name: 'add_bgm', result: { ok: true } },
      { type: 'tool_call', name: 'add_title', args: { text: 'Sale' } },
      { type: 'tool_result', name: 'add_title', result: 'done' },
      { type: 'text', text: 'All set.', final: false },
    ]);
  });

  it('treats comments, empty data lines and typed heartbeats as heartbeats', async () => {
    fake.queueChat({
      steps: [
        { comment: 'ping' },
        { emptyData: true },
        typedHeartbeat(),
        ...adkReply('Done.', { chunks: 1 }),
      ],
    });
    const events = await collect(client.chat(session.sessionId, 'go'));
    expect(kinds(events)).toEqual(['heartbeat', 'heartbeat', 'heartbeat', 'text', 'text', 'end']);
    expect(textOf(events)).toBe('Done.');
  });

  it('handles CRLF line endings and events split across network chunks', async () => {
    const event = JSON.stringify({ content: { role: 'model', parts: [{ text: 'Split 视频 ✅' }] } });
    const bytes = `data: ${event}\r\n\r\n`;
    const cut = [5, 17, bytes.length - 3];
    fake.queueChat({
      steps: [
        { raw: bytes.slice(0, cut[0]) },
        { delayMs: 20 },
        { raw: bytes.slice(cut[0], cut[1]) },
        { delayMs: 20 },
        { raw: bytes.slice(cut[1], cut[2]) },
        { delayMs: 20 },
        { raw: bytes.slice(cut[2]) },
        { raw: `data: ${JSON.stringify({ type: 'text', content: ' more' })}\r\n\r\n` },
      ],
    });
    const events = await collect(client.chat(session.sessionId, 'go'));
    expect(textOf(events)).toBe('Split 视频 ✅ more');
    expect(events.at(-1)).toEqual({ type: 'end', complete: true });
  });

  it('ends with an error event for an ADK error', async () => {
    fake.queueChat({ steps: [...adkReply('Starting.', { chunks: 1 }), adkError('model overloaded')] });
    const events = await collect(client.chat(session.sessionId, 'go'));
    expect(textOf(events)).toBe('Starting.');
    const error = events.at(-2);
    expect(error?.type === 'error' && [error.error.key, error.error.message]).toEqual([
      'stream_error',
      'agent error: model overloaded',
    ]);
    expect(events.at(-1)).toEqual({ type: 'end', complete: false });
  });

  it('reports a cut connection as disconnected, after the text that came before it', async () => {
    fake.queueChat({
      steps: [...adkReply('Working', { chunks: 2 }).slice(0, 1), { delayMs: 20 }, { destroy: true }],
    });
    const events = await collect(client.chat(session.sessionId, 'go'));
    expect(kinds(events)).toEqual(['text', 'error', 'end']);
    expect(events[1]).toMatchObject({ type: 'error', error: { key: 'disconnected', retryable: true } });
  });

  it('reports a missing session before the stream as session_not_found', async () => {
    const events = await collect(client.chat('999', 'go'));
    expect(events).toEqual([
      { type: 'error', error: expect.objectContaining({ key: 'session_not_found', status: 404 }) },
      { type: 'end', complete: false },
    ]);
  });

  it('stops when the caller aborts, without a second request', async () => {
    fake.queueChat({ steps: [typedHeartbeat(), { hang: true }] });
    const controller = new AbortController();
    const events: ChatEvent[] = [];
    for await (const event of client.chat(session.sessionId, 'go', { signal: controller.signal })) {
      events.push(event);
      if (event.type === 'heartbeat') controller.abort();
    }
    expect(events.at(-2)).toMatchObject({ type: 'error', error: { key: 'cancelled' } });
    expect(fake.requestsTo('chat')).toHaveLength(1);
  });

  it('times out a stream that only sends heartbeats for the idle limit', async () => {
    const quick = clientFor(fake, { store, chatIdleTimeoutMs: 300 });
    const beats = Array.from({ length: 20 }, () => [{ comment: 'ping' }, { delayMs: 50 }]).flat();
    fake.queueChat({ steps: [...adkReply('Rendering…', { chunks: 1 }), ...beats] });
    const started = Date.now();
    const events = await collect(quick.chat(session.sessionId, 'go'));
    await quick.close();
    expect(events.at(-2)).toMatchObject({ type: 'error', error: { key: 'timeout' } });
    expect(events.filter((event) => event.type === 'heartbeat').length).toBeGreaterThan(2);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('times out a stream at the hard cap even while content flows', async () => {
    const quick = clientFor(fake, { store, chatTimeoutMs: 400, chatIdleTimeoutMs: 10_000 });
    const talk = Array.from({ length: 40 }, () => [typedText('.'), { delayMs: 50 }]).flat();
    fake.queueChat({ steps: talk });
    const events = await collect(quick.chat(session.sessionId, 'go'));
    await quick.close();
    expect(events.at(-2)).toMatchObject({ type: 'error', error: { key: 'timeout' } });
    expect(textOf(events).length).toBeGreaterThan(2);
  });

  it('renews a rejected token before the stream and sends the message once', async () => {
    for (const token of fake.tokens.keys()) fake.expireToken(token);
    fake.queueChat({ steps: adkReply('ok', { chunks: 1 }) });
    const events = await collect(client.chat(session.sessionId, 'go'));
    expect(events.at(-1)).toEqual({ type: 'end', complete: true });
    expect(fake.requestsTo('anonymousToken')).toHaveLength(2);
  });

  it('accepts a 10 MB single event', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    fake.queueChat({ steps: [typedText(big)] });
    const events = await collect(client.chat(session.sessionId, 'go'));
    expect(textOf(events).length).toBe(big.length);
  });
});
