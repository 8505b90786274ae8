import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import Keyv from 'keyv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NemoClient } from '../../src/nemo/client.ts';
import type { UploadSource } from '../../src/nemo/index.ts';
import { type FakeNemo, startFakeNemo } from '../fakes/nemo-server.ts';
import { clientFor } from '../support/nemo-client.ts';

let fake: FakeNemo;
let client: NemoClient;

beforeEach(async () => {
  fake = await startFakeNemo();
  client = clientFor(fake);
});
afterEach(async () => {
  await client.close();
  await fake.close();
});

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const memorySource = (name: string, data: Buffer, mimeType?: string): UploadSource => ({
  name,
  mimeType,
  size: data.length,
  open: () => Readable.from([data]),
});

describe('authentication', () => {
  it('gets an anonymous token with a persisted client id and reuses both across restarts', async () => {
    const store = new Keyv();
    const first = clientFor(fake, { store });
    await first.createSession({ taskName: 'one', language: 'en' });
    await first.close();
    const second = clientFor(fake, { store });
    await second.credits();
    await second.close();

    const [tokenRequest, ...others] = fake.requestsTo('anonymousToken');
    expect(others).toHaveLength(0);
    expect(tokenRequest?.headers['x-client-id']).toMatch(/^[0-9a-f-]{36}$/);
    const used = fake.requests.filter((r) => r.path !== '/api/auth/anonymous-token');
    expect(new Set(used.map((r) => r.headers.authorization)).size).toBe(1);
    expect(new Set(fake.requests.map((r) => r.headers['x-client-id'])).size).toBe(1);
  });

  it('sends attribution headers on every request and never puts the token in a URL', async () => {
    const session = await client.createSession(
      { taskName: 'promo', language: 'en' },
      { platform: 'telegram' },
    );
    await client.sessionState(session.sessionId, { platform: 'discord' });
    for (const recorded of fake.requests) {
      expect(recorded.headers['x-skill-source']).toBe('test-bot');
      expect(recorded.headers['x-skill-version']).toBe('9.9.9');
      expect(recorded.path).not.toContain('nmv_');
      expect(JSON.stringify(recorded.query)).not.toContain('nmv_');
    }
    expect(fake.requestsTo('createSession')[0]?.headers['x-skill-platform']).toBe('telegram');
    expect(fake.requestsTo('state')[0]?.headers['x-skill-platform']).toBe('discord');
  });

  it('uses a configured token as is', async () => {
    const token = fake.issueToken({ anonymous: false });
    const configured = clientFor(fake, { token });
    await configured.credits();
    await configured.close();
    expect(fake.requestsTo('anonymousToken')).toHaveLength(0);
    expect(fake.requestsTo('credits')[0]?.headers.authorization).toBe(`Bearer ${token}`);
    expect(configured.tokenKind).toBe('configured');
  });

  it.each(['code', 'http401'] as const)(
    'renews an expired anonymous token once and retries (%s)',
    async (style) => {
      fake.expiredStyle = style;
      await client.credits();
      for (const token of fake.tokens.keys()) fake.expireToken(token);
      await expect(client.credits()).resolves.toMatchObject({ available: 100 });
      expect(fake.requestsTo('anonymousToken')).toHaveLength(2);
      expect(fake.requestsTo('credits')).toHaveLength(3);
    },
  );

  it('reports a rejected configured token as an auth error without retrying', async () => {
    const token = fake.issueToken({ anonymous: false });
    fake.expireToken(token);
    const configured = clientFor(fake, { token });
    await expect(configured.credits()).rejects.toMatchObject({ key: 'auth', code: 1001 });
    await configured.close();
    expect(fake.requestsTo('credits')).toHaveLength(1);
    expect(fake.requestsTo('anonymousToken')).toHaveLength(0);
  });

  it('replaces a client id the service rejects, persists it, and retries once', async () => {
    const store = new Keyv();
    const withStore = clientFor(fake, { store });
    fake.failNext('anonymousToken', { status: 400, json: { code: 400, message: 'Missing X-Client-Id' } });
    await withStore.credits();
    await withStore.close();
    const [rejected, accepted] = fake.requestsTo('anonymousToken');
    expect(rejected?.headers['x-client-id']).not.toBe(accepted?.headers['x-client-id']);
    // A restarted bot keeps the replacement id.
    const restarted = clientFor(fake, { store });
    await restarted.credits();
    await restarted.close();
    expect(fake.requestsTo('credits').at(-1)?.headers['x-client-id']).toBe(accepted?.headers['x-client-id']);
  });
});

describe('sessions, credits and state', () => {
  it('creates a session with a snake_case body and keeps the session id a string', async () => {
    fake.failNext('createSession', {
      status: 200,
      json: { code: 0, msg: 'ok', data: { task_id: 'task_1', session_id: 12345678901234567890n.toString() } },
    });
    const session = await client.createSession({ taskName: 'promo', language: 'zh-CN' });
    expect(session).toEqual({ taskId: 'task_1', sessionId: '12345678901234567890' });
    expect(fake.requestsTo('createSession')[0]?.json).toEqual({ task_name: 'promo', language: 'zh-CN' });
  });

  it('builds the claim link from a claim token', async () => {
    const session = await client.createSession({ taskName: 'promo', language: 'en' });
    const link = await client.claimLink(session);
    expect(link.url).toMatch(/^https:\/\/web\.example\/workspace\/claim\?ct=clm_/);
    expect(fake.requestsTo('claimToken')[0]?.json).toEqual({
      task_id: session.taskId,
      session_id: session.sessionId,
    });
  });

  it('reads credits and state', async () => {
    fake.credits = { available: 42, frozen: 8, total: 50 };
    expect(await client.credits()).toEqual({ available: 42, frozen: 8, total: 50 });
    const session = await client.createSession({ taskName: 'promo', language: 'en' });
    const stored = fake.sessions.get(session.sessionId);
    if (stored) stored.draft = { t: [{ tt: 0, sg: [{ d: 5000 }] }] };
    const state = await client.sessionState(session.sessionId);
    expect(state.draft).toEqual({ t: [{ tt: 0, sg: [{ d: 5000 }] }] });
    expect(state.canvasConfig).toEqual({ width: 1920, height: 1080 });
  });
});

describe('uploads', () => {
  it('streams several files in one multipart request, parts named files', async () => {
    const session = await client.createSession({ taskName: 'promo', language: 'en' });
    const files = [Buffer.alloc(300_000, 1), Buffer.alloc(5, 2), Buffer.alloc(70_000, 3)];
    const uploaded = await client.uploadFiles(session.sessionId, [
      memorySource('one.jpg', files[0] as Buffer, 'image/jpeg'),
      memorySource('two "quoted".png', files[1] as Buffer),
      memorySource('three.mp3', files[2] as Buffer, 'audio/mpeg'),
    ]);
    expect(uploaded).toHaveLength(3);
    const [request] = fake.requestsTo('upload');
    expect(request?.parts?.map((part) => [part.name, part.size, part.sha256])).toEqual(
      files.map((data) => ['files', data.length, sha256(data)]),
    );
    expect(request?.parts?.[1]?.filename).toBe('two %22quoted%22.png');
    expect(request?.headers['content-length']).toBe(String(request?.bodyBytes));
  });

  it('streams a source of unknown size with chunked encoding', async () => {
    const session = await client.createSession({ taskName: 'promo', language: 'en' });
    const chunks = [Buffer.alloc(64 * 1024, 7), Buffer.alloc(10, 8)];
    await client.uploadFiles(session.sessionId, [{ name: 'clip.mp4', open: () => Readable.from(chunks) }]);
    const [request] = fake.requestsTo('upload');
    expect(request?.parts?.[0]?.sha256).toBe(sha256(Buffer.concat(chunks)));
    expect(request?.headers['transfer-encoding']).toBe('chunked');
  });

  it('refuses an unsupported or oversize file before any byte moves', async () => {
    const session = await client.createSession({ taskName: 'promo', language: 'en' });
    await expect(
      client.uploadFiles(session.sessionId, [
        memorySource('a.jpg', Buffer.alloc(10)),
        memorySource('tool.exe', Buffer.alloc(10)),
      ]),
    ).rejects.toMatchObject({ key: 'unsupported_file' });
    const small = clientFor(fake, { uploadMaxBytes: 1000 });
    await expect(
      small.uploadFiles(session.sessionId, [memorySource('a.jpg', Buffer.alloc(1001))]),
    ).rejects.toMatchObject({
      key: 'file_too_large',
    });
    await small.close();
    expect(fake.requestsTo('upload')).toHaveLength(0);
  });

  it('stops a source that turns out larger than the limit while streaming', async () => {
    const session = await client.createSession({ taskName: 'promo', language: 'en' });
    const small = clientFor(fake, { uploadMaxBytes: 100_000 });
    const endless: UploadSource = {
      name: 'clip.mp4',
      open: () => Readable.from(Array.from({ length: 10 }, () => Buffer.alloc(50_000))),
    };
    await expect(small.uploadFiles(session.sessionId, [endless])).rejects.toMatchObject({
      key: 'file_too_large',
    });
    await small.close();
  });

  it('uploads by URL with a JSON body', async () => {
    const session = await client.createSession({ taskName: 'promo', language: 'en' });
    const uploaded = await client.uploadUrls(session.sessionId, ['https://cdn.example/a.png']);
    expect(uploaded[0]?.filename).toBeTruthy();
    expect(fake.requestsTo('upload')[0]?.json).toEqual({
      urls: ['https://cdn.example/a.png'],
      source_type: 'url',
    });
  });
});

describe('errors', () => {
  it.each([
    [{ code: 2001, message: 'Insufficient credits' }, 'no_credits'],
    [{ code: 4001, msg: 'Unsupported file type' }, 'unsupported_file'],
    [{ code: 4002, message: 'File too large' }, 'file_too_large'],
    [{ code: 1002, message: 'Session not found' }, 'session_not_found'],
    [{ code: '2001', message: 'string code' }, 'no_credits'],
  ])('maps %j in an HTTP 200 envelope to %s', async (json, key) => {
    fake.failNext('credits', { status: 200, json });
    await expect(client.credits()).rejects.toMatchObject({ key });
  });

  it.each([
    [402, { success: false, error: 'Free plan cannot export' }, 'export_blocked'],
    [404, { detail: 'Not Found' }, 'not_found'],
    [500, { code: 500, message: 'internal' }, 'server'],
  ])('maps HTTP %i to %s', async (status, json, key) => {
    fake.failNext('credits', { status, json });
    await expect(client.credits()).rejects.toMatchObject({ key, status });
  });

  it('reads a proxy HTML error page as a server error', async () => {
    fake.failNext('credits', {
      status: 502,
      body: '<html><body>502 Bad Gateway</body></html>',
      contentType: 'text/html',
    });
    const error = await client.credits().catch((e: unknown) => e);
    expect(error).toMatchObject({ key: 'server', status: 502, retryable: true });
  });

  it('turns malformed JSON and unexpected shapes into bad_answer', async () => {
    fake.failNext('credits', { status: 200, body: '{"code":0,"data":', contentType: 'application/json' });
    await expect(client.credits()).rejects.toMatchObject({ key: 'bad_answer' });
    fake.failNext('credits', { status: 200, json: { code: 0, data: { balance: 'lots' } } });
    await expect(client.credits()).rejects.toMatchObject({ key: 'bad_answer' });
  });

  it('waits out one 429 and retries, but not twice', async () => {
    fake.failNext('credits', { status: 429, json: { code: 429, message: 'Too many requests' } });
    await expect(client.credits()).resolves.toMatchObject({ available: 100 });
    fake.failNext('credits', { status: 429, json: { code: 429, message: 'Too many requests' } }, 2);
    await expect(client.credits()).rejects.toMatchObject({ key: 'rate_limited' });
    expect(fake.requestsTo('credits')).toHaveLength(4);
  });

  it('times out a request that gets no answer', async () => {
    const quick = clientFor(fake, { requestTimeoutMs: 200 });
    fake.failNext('credits', { delayMs: 1_000 });
    await expect(quick.credits()).rejects.toMatchObject({ key: 'timeout' });
    await quick.close();
  });

  it('reports a dropped connection as a network error', async () => {
    await client.credits();
    fake.failNext('credits', { destroy: true });
    await expect(client.credits()).rejects.toMatchObject({ key: 'network', retryable: true });
  });

  it('cancels with the caller signal', async () => {
    fake.failNext('credits', { delayMs: 1_000 });
    await expect(client.credits({ signal: AbortSignal.timeout(50) })).rejects.toMatchObject({
      key: expect.stringMatching(/cancelled|timeout/),
    });
  });

  it('follows a redirect', async () => {
    fake.failNext('credits', { redirect: '/api/credits/balance/simple?via=proxy' });
    await expect(client.credits()).resolves.toMatchObject({ available: 100 });
  });
});

describe('renders', () => {
  it.each(['top', 'data', 'flat'] as const)(
    'follows a render to completion in the %s shape',
    async (shape) => {
      fake.render = { ...fake.render, shape };
      const session = await client.createSession({ taskName: 'promo', language: 'en' });
      const submitted = await client.submitRender(session.sessionId, { t: [] });
      expect(submitted.state).toBe('pending');
      const body = fake.requestsTo('renderSubmit')[0]?.json as Record<string, unknown>;
      expect(body).toMatchObject({
        sessionId: session.sessionId,
        output: { format: 'mp4', quality: 'high' },
      });
      expect(body.id).toMatch(/^render_/);
      expect(body).not.toHaveProperty('session_id');

      const states = [];
      let status = submitted;
      do {
        status = await client.renderStatus(submitted.id);
        states.push(status.state);
      } while (status.state !== 'completed');
      expect(states).toEqual(['pending', 'processing', 'completed']);
      expect(status.progress).toBe(100);
      expect(status.url).toContain('/files/');
    },
  );

  it('reports a failed render with its reason', async () => {
    fake.render = { ...fake.render, statuses: ['failed'], failureMessage: 'draft invalid' };
    const session = await client.createSession({ taskName: 'promo', language: 'en' });
    const submitted = await client.submitRender(session.sessionId, {});
    expect(await client.renderStatus(submitted.id)).toMatchObject({
      state: 'failed',
      error: 'draft invalid',
    });
  });

  it('gives every render a new id', async () => {
    const session = await client.createSession({ taskName: 'promo', language: 'en' });
    const a = await client.submitRender(session.sessionId, {});
    const b = await client.submitRender(session.sessionId, {});
    expect(a.id).not.toBe(b.id);
  });

  it('cancels a render', async () => {
    const session = await client.createSession({ taskName: 'promo', language: 'en' });
    const submitted = await client.submitRender(session.sessionId, {});
    await client.cancelRender(submitted.id);
    expect(fake.renders.get(submitted.id)?.cancelled).toBe(true);
    expect(await client.renderStatus(submitted.id)).toMatchObject({ state: 'failed', error: 'cancelled' });
  });

  it('downloads from the output URL without credentials, and falls back to the authorized route', async () => {
    const session = await client.createSession({ taskName: 'promo', language: 'en' });
    for (const urlReachable of [true, false]) {
      fake.render = { ...fake.render, statuses: ['completed'], urlReachable };
      const submitted = await client.submitRender(session.sessionId, {});
      const done = await client.renderStatus(submitted.id);
      const output = await client.openRender(done);
      const bytes = Buffer.concat(await Array.fromAsync(output.body));
      expect(sha256(bytes)).toBe(sha256(fake.mp4));
      expect(output.sizeBytes).toBe(fake.mp4.length);
    }
    expect(fake.requestsTo('renderFile').map((r) => r.headers.authorization)).toEqual([undefined, undefined]);
    expect(fake.requestsTo('renderDownload')).toHaveLength(1);
    expect(fake.requestsTo('renderDownload')[0]?.headers.authorization).toMatch(/^Bearer nmv_/);
  });

  it('answers 402 when attribution is missing, which the client always sends', async () => {
    const session = await client.createSession({ taskName: 'promo', language: 'en' });
    await expect(client.submitRender(session.sessionId, {})).resolves.toMatchObject({ state: 'pending' });
    fake.failNext('renderSubmit', {
      status: 402,
      json: { success: false, error: 'Export requires a paid plan' },
    });
    await expect(client.submitRender(session.sessionId, {})).rejects.toMatchObject({ key: 'export_blocked' });
  });
});
