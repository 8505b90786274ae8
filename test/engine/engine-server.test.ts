import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEngine, startEngine } from '../../src/engine/index.ts';
import { silentLogger } from '../../src/log.ts';
import type { NemoClient } from '../../src/nemo/client.ts';
import { fileSource } from '../../src/nemo/index.ts';
import { makePhoto, makeTone } from '../support/media.ts';
import { clientFor } from '../support/nemo-client.ts';

let engine: RunningEngine;
let client: NemoClient;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nemo-engine-server-'));
  engine = await startEngine({
    dataDir: join(dir, 'data'),
    host: '127.0.0.1',
    port: 0,
    maxUploadBytes: 5 * 1024 * 1024,
    logger: silentLogger,
  });
  client = clientFor(engine, {
    uploadMaxBytes: 50 * 1024 * 1024,
    requestTimeoutMs: 20_000,
    chatTimeoutMs: 20_000,
    chatIdleTimeoutMs: 20_000,
  });
});
afterAll(async () => {
  await client.close();
  await engine.close();
});

const newSession = () => client.createSession({ taskName: 'test', language: 'en' });

describe('the engine speaks the protocol', () => {
  it('issues tokens, keeps sessions per user, and answers credits as local', async () => {
    const session = await newSession();
    expect(session.sessionId).toMatch(/^\d{18,20}$/);
    expect((await client.credits()).available).toBeGreaterThan(0);
    const stranger = clientFor(engine, { uploadMaxBytes: 1, requestTimeoutMs: 5_000 });
    await expect(stranger.sessionState(session.sessionId)).rejects.toMatchObject({
      key: 'session_not_found',
    });
    await stranger.close();
  });

  it('stores uploads by content, edits with the director over SSE, and shows the draft in the state', async () => {
    const session = await newSession();
    const photo = await makePhoto(dir, 'beach.jpg', 'testsrc2');
    const tone = await makeTone(dir, 'song.wav', 2);
    const uploaded = await client.uploadFiles(session.sessionId, [fileSource(photo), fileSource(tone)]);
    expect(uploaded.map((file) => [file.filename, file.fileType])).toEqual([
      ['beach.jpg', 'image'],
      ['song.wav', 'audio'],
    ]);
    const events = [];
    for await (const event of client.chat(session.sessionId, 'make a 4 second video with music'))
      events.push(event);
    expect(events.some((event) => event.type === 'tool_call')).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'end', complete: true });
    const state = await client.sessionState(session.sessionId);
    expect(state.draft).toMatchObject({ t: [{ tt: 0 }, { tt: 1 }, { tt: 7 }] });
  });
});

describe('bad files', () => {
  it('refuses a .jpg that is really an executable, whatever its name', async () => {
    const session = await newSession();
    const fake = join(dir, 'holiday.jpg');
    writeFileSync(fake, Buffer.concat([Buffer.from('MZ'), Buffer.alloc(4000, 0x90)]));
    await expect(client.uploadFiles(session.sessionId, [fileSource(fake)])).rejects.toMatchObject({
      key: 'unsupported_file',
      code: 4001,
    });
    expect((await client.sessionState(session.sessionId)).videoInfos).toHaveLength(0);
  });

  it('refuses a corrupt image that only starts like a JPEG', async () => {
    const session = await newSession();
    const corrupt = join(dir, 'broken.jpg');
    writeFileSync(corrupt, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(3000, 7)]));
    await expect(client.uploadFiles(session.sessionId, [fileSource(corrupt)])).rejects.toMatchObject({
      code: 4001,
    });
  });

  it('refuses a file over the engine limit while streaming', async () => {
    const session = await newSession();
    const big = join(dir, 'big.png');
    writeFileSync(
      big,
      Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(6 * 1024 * 1024)]),
    );
    await expect(client.uploadFiles(session.sessionId, [fileSource(big)])).rejects.toMatchObject({
      code: 4002,
    });
  });

  it('refuses URL uploads that point inside the machine', async () => {
    const session = await newSession();
    for (const url of [
      `${engine.url}/api/credits/balance/simple`,
      'http://169.254.169.254/latest/meta-data/',
      'file:///etc/passwd',
    ]) {
      await expect(client.uploadUrls(session.sessionId, [url])).rejects.toMatchObject({ key: 'bad_request' });
    }
  });
});

describe('renders', () => {
  it('fails a malformed draft at once with a reason instead of hanging', async () => {
    const session = await newSession();
    const submitted = await client.submitRender(session.sessionId, { t: 'not a timeline' });
    const status = await client.renderStatus(submitted.id);
    expect(status.state).toBe('failed');
    expect(status.error).toMatch(/draft is not valid/);
  });
});
