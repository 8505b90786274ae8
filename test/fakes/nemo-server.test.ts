/** The fake NemoVideo server is a fixture: these tests prove it behaves as its API says. */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PartRecorder } from './nemo-multipart.ts';
import {
  adkReply,
  type ChatStep,
  type FakeNemo,
  type RenderPlan,
  sampleDraft,
  startFakeNemo,
  typedText,
} from './nemo-server.ts';

let nemo: FakeNemo;
let token: string;

beforeEach(async () => {
  nemo = await startFakeNemo();
  token = nemo.issueToken();
});
afterEach(() => nemo.close());

function api(path: string, init: { json?: unknown; body?: Buffer; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...init.headers };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
  return fetch(`${nemo.url}${path}`, { method: body === undefined ? 'GET' : 'POST', headers, body });
}

async function newSession(): Promise<string> {
  const res = await api('/api/tasks/me/with-session/nemo_agent', {
    json: { task_name: 'Trip', language: 'en' },
  });
  return ((await res.json()) as { data: { session_id: string } }).data.session_id;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

interface Part {
  name: string;
  filename?: string;
  type?: string;
  data: Buffer;
}

function multipart(boundary: string, parts: Part[]): Buffer {
  const pieces = parts.flatMap((part) => {
    const filename = part.filename ? `; filename="${part.filename}"` : '';
    const type = part.type ? `\r\nContent-Type: ${part.type}` : '';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${filename}${type}\r\n\r\n`;
    return [Buffer.from(head), part.data, Buffer.from('\r\n')];
  });
  return Buffer.concat([...pieces, Buffer.from(`--${boundary}--\r\n`)]);
}

const boundary = '----fakeBoundary7MA4YWxk';
// All of a delimiter but its last byte: a parser must not end the part there.
const image = Buffer.from(`\xff\xd8\r\n--${boundary.slice(0, -1)}`);
const parts: Part[] = [
  { name: 'files', filename: 'beach.jpg', type: 'image/jpeg', data: image },
  { name: 'files', filename: 'clip.mp4', type: 'video/mp4', data: randomBytes(3 * 1024 * 1024 + 7) },
  { name: 'note', data: Buffer.from('hello') },
];

describe('tokens and sessions', () => {
  it('issues anonymous tokens per client id and rejects unknown tokens', async () => {
    const anonymous = (clientId?: string) =>
      fetch(`${nemo.url}/api/auth/anonymous-token`, {
        method: 'POST',
        headers: clientId ? { 'x-client-id': clientId } : {},
      });
    expect((await anonymous()).status).toBe(400);
    const first = (await (await anonymous('c-1')).json()) as { data: { token: string; user_id: string } };
    const second = (await (await anonymous('c-1')).json()) as { data: { token: string; user_id: string } };
    expect(first.data).toMatchObject({ token: expect.stringMatching(/^nmv_usr_/), credits: 100 });
    expect(second.data.token).not.toBe(first.data.token);
    expect(second.data.user_id).toBe(first.data.user_id);

    const sessionId = await newSession();
    expect(sessionId).toMatch(/^\d{16,19}$/);
    expect(nemo.sessions.get(sessionId)).toMatchObject({ taskName: 'Trip', language: 'en', draft: null });

    const res = await fetch(`${nemo.url}/api/credits/balance/simple`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: 1001, message: 'Invalid or expired token' });
  });

  it('answers an expired token with code 1001, or HTTP 401 when told', async () => {
    nemo.expireToken(token);
    const expired = { code: 1001, message: 'Token expired' };
    let res = await api('/api/credits/balance/simple');
    expect([res.status, await res.json()]).toEqual([200, expired]);
    nemo.expiredStyle = 'http401';
    res = await api('/api/credits/balance/simple');
    expect([res.status, await res.json()]).toEqual([401, expired]);
  });
});

describe('uploads', () => {
  it('streams a hand-built multipart body, hashing each part', async () => {
    const sessionId = await newSession();
    const body = multipart(boundary, parts);
    const res = await api(`/api/upload-video/nemo_agent/me/${sessionId}`, {
      body,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    const answer = (await res.json()) as { code: number; data: { files: Array<Record<string, unknown>> } };
    expect(answer.code).toBe(0);
    expect(answer.data.files).toMatchObject([
      { filename: 'beach.jpg', file_type: 'image', hash: sha256(image) },
      { filename: 'clip.mp4', file_type: 'video', duration: 10, fps: 30 },
    ]);

    const [recorded] = nemo.requestsTo('upload');
    expect(recorded?.bodyBytes).toBe(body.length);
    expect(recorded?.parts).toEqual(
      parts.map((part) => ({
        name: part.name,
        ...(part.filename && { filename: part.filename }),
        ...(part.type && { contentType: part.type }),
        size: part.data.length,
        sha256: sha256(part.data),
      })),
    );
    expect(nemo.sessions.get(sessionId)?.uploads).toHaveLength(2);
  });

  it('parses the same body fed in chunks that split delimiters anywhere', () => {
    const body = multipart(boundary, [
      { name: 'files', filename: 'beach.jpg', data: image },
      { name: 'note', data: Buffer.from('hello') },
    ]);
    for (const size of [1, 2, 7, 41]) {
      const parser = new PartRecorder(boundary);
      for (let at = 0; at < body.length; at += size) parser.write(body.subarray(at, at + size));
      expect(parser.complete).toBe(true);
      expect(parser.parts.map((part) => [part.name, part.size, part.sha256])).toEqual([
        ['files', image.length, sha256(image)],
        ['note', 5, sha256(Buffer.from('hello'))],
      ]);
    }
  });

  it('accepts URL uploads and refuses unsupported files and foreign sessions', async () => {
    const sessionId = await newSession();
    const path = `/api/upload-video/nemo_agent/me/${sessionId}`;
    let res = await api(path, { json: { urls: ['https://example.com/a/song.mp3'], source_type: 'url' } });
    expect(await res.json()).toMatchObject({
      code: 0,
      data: {
        files: [
          {
            filename: 'song.mp3',
            file_type: 'audio',
            cdn_url: expect.stringMatching(/^https:\/\/cdn\.fake\//),
          },
        ],
      },
    });
    res = await api(path, { json: { urls: ['https://example.com/notes.txt'], source_type: 'url' } });
    expect(await res.json()).toEqual({ code: 4001, message: 'Unsupported file type' });
    token = nemo.issueToken();
    res = await api(path, { json: { urls: ['https://example.com/a.png'], source_type: 'url' } });
    expect(await res.json()).toEqual({ code: 1002, message: 'Session not found' });
  });
});

describe('chat', () => {
  const run = (sessionId: string) =>
    api('/run_sse', {
      json: {
        app_name: 'nemo_agent',
        user_id: 'me',
        session_id: sessionId,
        new_message: { role: 'user', parts: [{ text: 'Go' }] },
      },
    });

  it('streams a script with exact SSE framing and applies setDraft to the state', async () => {
    const sessionId = await newSession();
    const reply = adkReply('Hello there, world', { chunks: 2 });
    const steps: ChatStep[] = [
      { comment: 'ping' },
      { emptyData: true },
      { setDraft: sampleDraft() },
      ...reply,
    ];
    nemo.queueChat({
      steps: [...steps, { raw: 'data: {"type":"he' }, { delayMs: 20 }, { raw: 'artbeat"}\r\n\r\n' }],
    });

    const res = await run(sessionId);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const events = reply.flatMap((step) => ('event' in step ? [step.event] : []));
    const frames = events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('');
    expect(await res.text()).toBe(`: ping\n\ndata:\n\n${frames}data: {"type":"heartbeat"}\r\n\r\n`);
    expect(events).toMatchObject([
      { author: 'nemo_agent', partial: true, content: { role: 'model', parts: [{ text: 'Hello the' }] } },
      { partial: true, content: { parts: [{ text: 're, world' }] } },
      { turnComplete: true, content: { parts: [{ text: 'Hello there, world' }] } },
    ]);

    const state = await api(`/api/state/nemo_agent/me/${sessionId}/latest`);
    expect(await state.json()).toMatchObject({ code: 0, data: { state: { draft: sampleDraft() } } });
    expect(nemo.requestsTo('chat')[0]?.json).toMatchObject({ session_id: sessionId });

    expect(await (await run(sessionId)).text()).toContain('Sure! I made a 5-second clip');
    expect(nemo.sessions.get(sessionId)?.draft?.t[0]?.tt).toBe(0);
  });

  it('answers 404 for an unknown session, a scripted status, and an abrupt disconnect', async () => {
    let res = await run('123');
    expect([res.status, await res.json()]).toEqual([404, { detail: 'Session not found' }]);
    const sessionId = await newSession();
    nemo.queueChat(
      { status: 503, json: { detail: 'busy' }, steps: [] },
      { steps: [typedText('hi'), { destroy: true }] },
    );
    res = await run(sessionId);
    expect([res.status, await res.json()]).toEqual([503, { detail: 'busy' }]);
    res = await run(sessionId);
    await expect(res.text()).rejects.toThrow();
  });

  it('close() ends a hanging stream', async () => {
    nemo.queueChat({ steps: [typedText('working'), { hang: true }] });
    const reader = (await run(await newSession())).body?.getReader();
    const first = await reader?.read();
    expect(Buffer.from(first?.value ?? []).toString()).toBe('data: {"type":"text","content":"working"}\n\n');
    const next = reader?.read();
    await nemo.close();
    await expect(next).rejects.toThrow();
  });
});

describe('faults', () => {
  it('answers each fault once per request, before the token check, then behaves again', async () => {
    nemo.failNext('credits', { status: 200, json: { code: 2001, message: 'Insufficient credits' } });
    nemo.failNext('credits', { status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' });
    nemo.failNext('credits', { status: 429, json: { code: 429 }, headers: { 'retry-after': '30' } }, 2);
    nemo.failNext('credits', { destroy: true });
    nemo.failNext('credits', { delayMs: 150 });
    nemo.failNext('credits', { redirect: '/api/credits/balance/simple' });

    expect(await (await api('/api/credits/balance/simple')).json()).toEqual({
      code: 2001,
      message: 'Insufficient credits',
    });
    token = 'not-a-token';
    const html = await api('/api/credits/balance/simple');
    expect([html.status, html.headers.get('content-type'), await html.text()]).toEqual([
      502,
      'text/html',
      '<html>Bad Gateway</html>',
    ]);
    token = nemo.issueToken();
    for (let i = 0; i < 2; i++) {
      const limited = await api('/api/credits/balance/simple');
      expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '30']);
    }
    await expect(api('/api/credits/balance/simple')).rejects.toThrow();
    const started = Date.now();
    const normal = { code: 0, message: 'success', data: { available: 100, frozen: 0, total: 100 } };
    expect(await (await api('/api/credits/balance/simple')).json()).toEqual(normal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const redirected = await api('/api/credits/balance/simple');
    expect([redirected.redirected, await redirected.json()]).toEqual([true, normal]);
    expect(nemo.requestsTo('credits')).toHaveLength(8);
  });
});

describe('renders', () => {
  const attribution = { 'x-skill-source': 'nemovideo-bot' };
  async function submit(id: string, plan: Partial<RenderPlan> = {}) {
    nemo.render = { ...nemo.render, ...plan };
    const sessionId = await newSession();
    const json = { id, sessionId, draft: sampleDraft(), output: { format: 'mp4', quality: 'high' } };
    return api('/api/render/proxy/lambda', { json, headers: attribution });
  }
  const poll = async (id: string) => (await api(`/api/render/proxy/lambda/${id}`)).json();

  /** Any of the three status shapes. */
  interface Polled {
    status?: string;
    progress?: number;
    outputUrl?: string;
    output?: { url: string };
    data?: Polled;
  }
  const url = expect.stringMatching(/\/files\/r\.mp4$/);
  const when = expect.any(String);
  const completed = {
    top: { id: 'r', status: 'completed', progress: 100, output: { url, duration: 10, size: 65536 } },
    data: {
      success: true,
      data: { status: 'completed', progress: 100, outputUrl: url, createdAt: when, completedAt: when },
    },
    flat: { status: 'completed', progress: 100, outputUrl: url, error: null },
  };

  it.each(Object.entries(completed))(
    'goes pending → processing → completed in the %s shape',
    async (shape, last) => {
      nemo.render.shape = shape as RenderPlan['shape'];
      const accepted = { success: true, data: { id: 'r', status: 'pending', progress: 0 } };
      expect(await (await submit('r')).json()).toEqual(accepted);
      const polled = [await poll('r'), await poll('r'), await poll('r')] as Polled[];
      const seen = polled.map((body) => [
        body.status ?? body.data?.status,
        body.progress ?? body.data?.progress,
      ]);
      expect(seen).toEqual([
        ['pending', 0],
        ['processing', 50],
        ['completed', 100],
      ]);
      expect(polled[2]).toEqual(last);

      const done = polled[2];
      const file = await fetch(done?.output?.url ?? done?.data?.outputUrl ?? done?.outputUrl ?? '');
      const bytes = Buffer.from(await file.arrayBuffer());
      expect(bytes.equals(nemo.mp4)).toBe(true);
      expect(bytes.toString('latin1', 4, 8)).toBe('ftyp');
    },
  );

  it('needs attribution, refuses a reused id, reports failures and cancels, falls back to /download', async () => {
    nemo.render.statuses = ['processing', 'failed'];
    nemo.render.failureMessage = 'GPU on fire';
    const json = { id: 'r1', sessionId: await newSession(), draft: sampleDraft() };
    const refused = await api('/api/render/proxy/lambda', { json });
    expect([refused.status, await refused.json()]).toMatchObject([402, { success: false }]);
    await submit('r1');
    expect(await (await submit('r1')).json()).toEqual({ success: false, error: 'Render id already exists' });
    expect(await poll('r1')).toMatchObject({ status: 'processing' });
    expect(await poll('r1')).toMatchObject({ status: 'failed', error: 'GPU on fire' });

    await submit('r2', { statuses: ['processing'] });
    const cancel = await api('/api/render/proxy/lambda/r2/cancel', { body: Buffer.alloc(0) });
    expect(await cancel.json()).toEqual({ success: true, data: { id: 'r2', status: 'cancelled' } });
    expect(await poll('r2')).toMatchObject({ status: 'failed', error: 'cancelled' });

    await submit('r3', { statuses: ['completed'], urlReachable: false });
    const done = (await poll('r3')) as { output: { url: string } };
    expect((await fetch(done.output.url)).status).toBe(403);
    const download = await api('/api/render/proxy/r3/download');
    expect([
      download.status,
      download.headers.get('content-type'),
      download.headers.get('content-length'),
    ]).toEqual([200, 'video/mp4', String(nemo.mp4.length)]);
    expect(Buffer.from(await download.arrayBuffer()).equals(nemo.mp4)).toBe(true);
    expect(await poll('nope')).toEqual({ success: false, error: 'Render not found' });
  });
});
