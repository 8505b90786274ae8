import Keyv from 'keyv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleTurn, runCommand } from '../../commands/index.ts';
import { messages } from '../../src/core/messages.ts';
import {
  adkReply,
  adkToolCall,
  adkToolResult,
  type FakeNemo,
  sampleDraft,
  startFakeNemo,
} from '../fakes/nemo-server.ts';
import { conversationFor, memoryFile, turn } from '../support/core.ts';
import { RecordingSurface } from '../support/recording-surface.ts';

let fake: FakeNemo;
beforeEach(async () => {
  fake = await startFakeNemo();
});
afterEach(async () => {
  await fake.close();
});

const en = messages('en');
const zh = messages('zh');
const until = async (condition: () => boolean, timeoutMs = 3_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('a whole project', () => {
  it('uploads, streams the reply, exports and delivers the MP4 with the claim link', async () => {
    const { conversation } = conversationFor(fake);
    const surface = new RecordingSurface();
    fake.queueChat({
      steps: [
        adkToolCall('generate_video', { photos: 3 }),
        { setDraft: sampleDraft() },
        adkToolResult('generate_video', { ok: true }),
        ...adkReply('Here is your 30-second promo with transitions and music.'),
      ],
    });
    const photos = [memoryFile('a.jpg'), memoryFile('b.png'), memoryFile('c.webp')];
    await handleTurn(
      conversation,
      turn('turn these into a 30-second promo with music', { attachments: photos }),
      surface,
    );
    await handleTurn(conversation, turn('export'), surface);

    const [upload] = fake.requestsTo('upload');
    expect(upload?.parts?.map((part) => part.filename)).toEqual(['a.jpg', 'b.png', 'c.webp']);
    expect(fake.requestsTo('chat')[0]?.json).toMatchObject({
      new_message: { parts: [{ text: 'turn these into a 30-second promo with music' }] },
    });
    expect(surface.texts()).toContain('Here is your 30-second promo with transitions and music.');
    const reply = surface.posted.find((entry) => entry.kind === 'text' && entry.text.startsWith('Here is'));
    expect(reply).toMatchObject({ actions: ['export', 'status', 'new'] });

    const [video] = surface.videos();
    expect(video?.url).toMatch(/\/files\/render_.*\.mp4$/);
    expect(video?.bytes.equals(fake.mp4)).toBe(true);
    expect(video?.caption).toContain(en.videoReady);
    expect(video?.caption).toMatch(/workspace\/claim\?ct=clm_/);
    expect(fake.requestsTo('renderSubmit')[0]?.json).toMatchObject({ draft: sampleDraft() });
    // Every status ended with a final word; none is left "working".
    const statuses = surface.posted.filter((entry) => entry.kind === 'status').length;
    expect(surface.finishes()).toHaveLength(statuses);
  });

  it('shows a status within the first second and edits it on the cadence while the backend works', async () => {
    const { conversation } = conversationFor(fake, { conversation: { progressIntervalMs: 100 } });
    const surface = new RecordingSurface();
    fake.queueChat({
      steps: [adkToolCall('add_bgm', {}), { delayMs: 450 }, ...adkReply('Added lo-fi music.')],
    });
    const started = Date.now();
    const work = handleTurn(conversation, turn('add some music'), surface);
    await until(() => surface.posted.some((entry) => entry.kind === 'status'));
    expect(Date.now() - started).toBeLessThan(1_000);
    await work;
    const updates = surface.posted.flatMap((entry) => (entry.kind === 'update' ? [entry] : []));
    expect(updates.length).toBeGreaterThanOrEqual(3);
    expect(updates.at(-1)?.text).toMatch(/^⏳ Still working\.\.\. \d+s — adding music$/);
    for (const [index, update] of updates.entries()) {
      if (index > 0) expect(update.at - (updates[index - 1]?.at ?? 0)).toBeGreaterThanOrEqual(80);
    }
  });
});

describe('silent completion', () => {
  it('describes what changed when the stream ends without text', async () => {
    const { conversation } = conversationFor(fake);
    const surface = new RecordingSurface();
    await handleTurn(conversation, turn('make a clip'), surface);
    const withTitle = sampleDraft();
    fake.queueChat({
      steps: [
        adkToolCall('add_title', { text: 'Urban Dreams' }),
        { setDraft: withTitle },
        adkToolResult('add_title', {}),
      ],
    });
    await handleTurn(conversation, turn('add the title "Urban Dreams"'), surface);
    const last = surface.texts().at(-1) ?? '';
    expect(last).toContain('✅');
    expect(last).toContain('Urban Dreams');
  });

  it('says so honestly when nothing changed', async () => {
    const { conversation } = conversationFor(fake);
    const surface = new RecordingSurface();
    await handleTurn(conversation, turn('make a clip'), surface);
    fake.queueChat({ steps: [adkToolCall('noop', {}), adkToolResult('noop', {})] });
    await handleTurn(conversation, turn('do something subtle'), surface);
    expect(surface.texts().at(-1)).toBe(en.silentNothing);
  });
});

describe('one operation per channel', () => {
  it('answers a second request at once and never sends it; /cancel stops the first', async () => {
    const { conversation } = conversationFor(fake);
    const surface = new RecordingSurface();
    fake.queueChat({
      steps: [...adkReply('Starting the edit.', { chunks: 1 }), { comment: 'ping' }, { hang: true }],
    });
    const first = handleTurn(conversation, turn('make it cinematic'), surface);
    await until(() => surface.texts().includes('Starting the edit.'));

    await handleTurn(conversation, turn('also add music'), surface);
    expect(surface.texts().at(-1)).toBe(en.busy);
    expect(fake.requestsTo('chat')).toHaveLength(1);

    await handleTurn(conversation, turn('/cancel'), surface);
    await first;
    expect(surface.finishes().at(-1)).toBe(en.errors.cancelled);
    expect(fake.requestsTo('chat')).toHaveLength(1);

    // The channel is free again.
    await handleTurn(conversation, turn('now add music'), surface);
    expect(fake.requestsTo('chat')).toHaveLength(2);
  });

  it('queues work over the global cap and shows the position', async () => {
    const { conversation } = conversationFor(fake, { conversation: { maxConcurrentOperations: 1 } });
    const [one, two] = [new RecordingSurface(), new RecordingSurface()];
    fake.queueChat(
      { steps: [{ delayMs: 200 }, ...adkReply('First done.')] },
      { steps: adkReply('Second done.') },
    );
    const first = handleTurn(conversation, turn('first', { channel: 'console:one' }), one);
    await until(() => fake.requestsTo('chat').length === 1);
    const second = handleTurn(conversation, turn('second', { channel: 'console:two' }), two);
    await until(() => two.posted.length > 0);
    expect(two.posted[0]).toMatchObject({ kind: 'status', text: en.queued({ position: 1 }) });
    expect(fake.requestsTo('chat')).toHaveLength(1);
    await Promise.all([first, second]);
    expect(two.texts()).toContain('Second done.');
  });
});

describe('errors become messages', () => {
  const cases = [
    ['no_credits', { status: 200, json: { code: 2001, message: 'Insufficient credits' } }],
    ['export_blocked', { status: 402, json: { success: false, error: 'upgrade' } }],
    ['rate_limited', { status: 429, json: { code: 429, message: 'slow down' } }],
    ['server', { status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' }],
    ['bad_request', { status: 400, json: { code: 400, message: 'bad prompt' } }],
  ] as const;

  it.each(cases)('%s reads well in English and Chinese', async (key, fault) => {
    for (const [locale, text] of [
      ['en-GB', en],
      ['zh-CN', zh],
    ] as const) {
      const { conversation } = conversationFor(fake, {
        nemo: { token: fake.issueToken({ anonymous: false }) },
      });
      const surface = new RecordingSurface();
      fake.failNext('chat', fault, 2);
      await handleTurn(
        conversation,
        turn('make a video', { locale, channel: `console:${key}:${locale}` }),
        surface,
      );
      expect(surface.finishes().at(-1)).toBe(text.errors[key]);
      expect(surface.transcript()).not.toMatch(/\{|code|HTTP|Error/);
    }
  });

  it('gives the registration link when an anonymous token runs out of credits', async () => {
    const { conversation } = conversationFor(fake);
    const surface = new RecordingSurface();
    await handleTurn(conversation, turn('make a clip'), surface);
    fake.failNext('chat', { status: 200, json: { code: 2001, message: 'Insufficient credits' } });
    await handleTurn(conversation, turn('make it longer'), surface);
    expect(surface.finishes().at(-1)).toMatch(/^The free credits are used up\. .*workspace\/claim\?ct=clm_/);
  });

  it('lists the formats for an unsupported file and sends nothing', async () => {
    const { conversation } = conversationFor(fake);
    const surface = new RecordingSurface();
    await handleTurn(conversation, turn('use this', { attachments: [memoryFile('tool.exe')] }), surface);
    expect(surface.finishes().at(-1)).toContain('mp4, mov, avi, webm, mkv');
    expect(fake.requestsTo('upload')).toHaveLength(0);
    expect(fake.requestsTo('chat')).toHaveLength(0);
  });

  it('replaces a vanished session, says earlier files are gone, and carries on', async () => {
    const { conversation } = conversationFor(fake);
    const surface = new RecordingSurface();
    await handleTurn(conversation, turn('make a clip'), surface);
    fake.sessions.clear();
    await handleTurn(conversation, turn('make it longer', { attachments: [memoryFile('d.jpg')] }), surface);
    expect(surface.texts()).toContain(en.sessionLost);
    expect(fake.requestsTo('createSession')).toHaveLength(2);
    expect(fake.requestsTo('upload').at(-1)?.parts?.[0]?.filename).toBe('d.jpg');
    expect(surface.finishes().at(-1)).toMatch(/^✅ Done/);
  });
});

describe('dropped streams', () => {
  it('never re-sends, and reports the change found in the state', async () => {
    const { conversation } = conversationFor(fake);
    const surface = new RecordingSurface();
    await handleTurn(conversation, turn('make a clip'), surface);
    fake.queueChat({ steps: [adkToolCall('add_title', {}), { setDraft: sampleDraft() }, { destroy: true }] });
    await handleTurn(conversation, turn('add a title'), surface);
    expect(surface.texts()).toContain(en.recovering);
    expect(surface.texts().at(-1)).toContain('Urban Dreams');
    expect(fake.requestsTo('chat')).toHaveLength(2);
  });

  it('reports the failure after the checks find nothing', async () => {
    const { conversation } = conversationFor(fake);
    const surface = new RecordingSurface();
    await handleTurn(conversation, turn('make a clip'), surface);
    const statesBefore = fake.requestsTo('state').length;
    fake.queueChat({ steps: [adkToolCall('add_title', {}), { destroy: true }] });
    await handleTurn(conversation, turn('add a title'), surface);
    expect(surface.finishes().at(-1)).toBe(en.errors.disconnected);
    // One read before the message, then the three recovery checks.
    expect(fake.requestsTo('state').length - statesBefore).toBe(4);
    expect(fake.requestsTo('chat')).toHaveLength(2);
  });
});

describe('renders', () => {
  it('retries a failed render once with a new id, then explains', async () => {
    const { conversation } = conversationFor(fake);
    const surface = new RecordingSurface();
    await handleTurn(conversation, turn('make a clip'), surface);
    fake.render = { ...fake.render, statuses: ['failed'], failureMessage: 'lambda crashed' };
    await handleTurn(conversation, turn('/export'), surface);
    const ids = fake.requestsTo('renderSubmit').map((request) => (request.json as { id: string }).id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(surface.texts()).toContain(en.renderRetry);
    expect(surface.finishes().at(-1)).toBe(en.errors.render_failed);
  });

  it('says there is nothing to export before anything was made', async () => {
    const { conversation } = conversationFor(fake);
    const surface = new RecordingSurface();
    await handleTurn(conversation, turn('/export'), surface);
    expect(surface.transcript()).toContain(en.exportNotReady);
    expect(fake.requestsTo('renderSubmit')).toHaveLength(0);
  });

  it('resumes an unfinished render after a restart and delivers it once', async () => {
    const store = new Keyv();
    const before = conversationFor(fake, { store });
    const surface = new RecordingSurface();
    await handleTurn(before.conversation, turn('make a clip'), surface);
    fake.render = { ...fake.render, statuses: ['processing'] };
    const exporting = handleTurn(before.conversation, turn('/export'), surface);
    await until(() => fake.requestsTo('renderStatus').length >= 2);
    await before.conversation.shutdown();
    await exporting;
    expect(surface.finishes().at(-1)).toBe(en.restarting);
    expect(fake.requestsTo('renderCancel')).toHaveLength(0);
    // A request arriving during the shutdown is turned away, not started.
    await handleTurn(before.conversation, turn('one more edit'), surface);
    expect(surface.texts().at(-1)).toBe(en.restarting);
    expect(fake.requestsTo('chat')).toHaveLength(1);

    for (const render of fake.renders.values()) render.plan = { ...render.plan, statuses: ['completed'] };
    const after = conversationFor(fake, { store });
    const resumedSurface = new RecordingSurface();
    expect(await after.conversation.resumeRenders('console', () => resumedSurface)).toBe(1);
    await after.conversation.idle();
    expect(resumedSurface.videos()).toHaveLength(1);
    expect(fake.requestsTo('renderSubmit')).toHaveLength(1);
    // Delivered: nothing is left to resume.
    expect(
      await conversationFor(fake, { store }).conversation.resumeRenders('console', () => resumedSurface),
    ).toBe(0);
  });

  it('cancels a running render at NemoVideo', async () => {
    const { conversation } = conversationFor(fake);
    const surface = new RecordingSurface();
    await handleTurn(conversation, turn('make a clip'), surface);
    fake.render = { ...fake.render, statuses: ['processing'] };
    const exporting = handleTurn(conversation, turn('/export'), surface);
    await until(() => fake.requestsTo('renderStatus').length >= 1);
    await handleTurn(conversation, turn('/cancel'), surface);
    await exporting;
    expect(fake.requestsTo('renderCancel')).toHaveLength(1);
    expect(surface.finishes().at(-1)).toBe(en.errors.cancelled);
  });
});

describe('reads', () => {
  it('answers status, credits and link without the backend chat', async () => {
    const { conversation } = conversationFor(fake);
    const surface = new RecordingSurface();
    await handleTurn(conversation, turn('status'), surface);
    expect(surface.texts().at(-1)).toBe(en.noProject);
    await handleTurn(conversation, turn('make a clip'), surface);
    await handleTurn(conversation, turn('show tracks'), surface);
    expect(surface.texts().at(-1)).toMatch(/^Timeline \(1 track/);
    await handleTurn(conversation, turn('余额'), surface);
    expect(surface.texts().at(-1)).toContain('100 available');
    await runCommand(conversation, 'link', {}, turn(''), surface);
    expect(surface.texts().at(-1)).toMatch(/workspace\/claim\?ct=clm_/);
    expect(fake.requestsTo('chat')).toHaveLength(1);
  });

  it('speaks Chinese to a Chinese locale and opens a zh-CN session', async () => {
    const { conversation } = conversationFor(fake);
    const surface = new RecordingSurface();
    await handleTurn(conversation, turn('做一个视频', { locale: 'zh-hans' }), surface);
    expect(fake.requestsTo('createSession')[0]?.json).toMatchObject({ language: 'zh-CN' });
    expect(surface.posted[0]).toMatchObject({ kind: 'status', text: zh.working });
    await handleTurn(conversation, turn('/frobnicate', { locale: 'zh-hans' }), surface);
    expect(surface.texts().at(-1)).toBe(zh.unknownCommand({ name: 'frobnicate' }));
  });
});

describe('commands', () => {
  it('asks for the missing argument instead of sending an empty instruction', async () => {
    const { conversation } = conversationFor(fake);
    const surface = new RecordingSurface();
    await handleTurn(conversation, turn('/edit'), surface);
    await handleTurn(conversation, turn('/video   '), surface);
    expect(surface.texts()).toEqual([
      en.badArguments({ what: 'The change, e.g. "make the title bigger"' }),
      en.badArguments({ what: 'What to make, e.g. "a 30-second promo with music"' }),
    ]);
    expect(fake.requests).toHaveLength(0);
  });

  it('starts a fresh project with /video and keeps the session for /edit', async () => {
    const { conversation } = conversationFor(fake);
    const surface = new RecordingSurface();
    await handleTurn(conversation, turn('/video a promo'), surface);
    await handleTurn(conversation, turn('/edit make it faster'), surface);
    await handleTurn(conversation, turn('/video another one'), surface);
    const sessions = fake
      .requestsTo('chat')
      .map((request) => (request.json as { session_id: string }).session_id);
    expect(sessions[0]).toBe(sessions[1]);
    expect(sessions[2]).not.toBe(sessions[1]);
    expect(fake.requestsTo('chat')[1]?.json).toMatchObject({
      new_message: { parts: [{ text: 'make it faster' }] },
    });
  });
});

describe('access and fairness', () => {
  it('turns away people and chats outside the allow-lists, sending nothing', async () => {
    const { conversation } = conversationFor(fake, {
      access: { allowedUsers: ['console:friend'], allowedChats: [] },
    });
    const surface = new RecordingSurface();
    await handleTurn(conversation, turn('make a video'), surface);
    await handleTurn(conversation, turn('/export'), surface);
    expect(surface.texts()).toEqual([en.notAllowed, en.notAllowed]);
    expect(fake.requests).toHaveLength(0);
    await handleTurn(
      conversation,
      turn('make a video', { person: { id: 'friend', displayName: 'F' } }),
      surface,
    );
    expect(fake.requestsTo('chat')).toHaveLength(1);
  });

  it('keeps admin-only commands for admins', async () => {
    const { conversation } = conversationFor(fake, {
      access: { adminCommands: ['credits'], adminUsers: ['boss'] },
    });
    const surface = new RecordingSurface();
    await handleTurn(conversation, turn('/credits'), surface);
    expect(surface.texts().at(-1)).toBe(en.adminOnly);
    await handleTurn(conversation, turn('/credits', { person: { id: 'boss', displayName: 'B' } }), surface);
    expect(surface.texts().at(-1)).toContain('available');
  });

  it('enforces the daily request limit per person, admins excepted', async () => {
    const { conversation } = conversationFor(fake, {
      access: { dailyRequestLimit: 1, adminUsers: ['console:boss'] },
    });
    const surface = new RecordingSurface();
    await handleTurn(conversation, turn('make a clip'), surface);
    await handleTurn(conversation, turn('make it longer'), surface);
    expect(surface.texts().at(-1)).toBe(en.dailyLimit({ limit: 1 }));
    expect(fake.requestsTo('chat')).toHaveLength(1);
    const boss = { id: 'boss', displayName: 'B' };
    await handleTurn(conversation, turn('make it longer', { person: boss }), surface);
    await handleTurn(conversation, turn('and shorter', { person: boss }), surface);
    expect(fake.requestsTo('chat')).toHaveLength(3);
  });
});
