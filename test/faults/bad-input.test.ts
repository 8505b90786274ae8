/**
 * A corpus of bad input, through the core (with a recording surface) and through the console
 * process: each item gets a clear answer, nothing crashes, and nothing reaches NemoVideo that
 * should not. The one thing the cloud path cannot refuse by itself is a file whose name lies about
 * its content: only the names and MIME types are known before upload (the local engine sniffs the
 * bytes, see src/engine/sniff.ts); NemoVideo's own refusal is then relayed clearly.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleTurn } from '../../commands/index.ts';
import { messages } from '../../src/core/messages.ts';
import type { Attachment } from '../../src/core/seam.ts';
import { formatList } from '../../src/nemo/index.ts';
import { type FakeNemo, startFakeNemo } from '../fakes/nemo-server.ts';
import { quickClocks, startConsole } from '../support/console-process.ts';
import { conversationFor, memoryFile, turn } from '../support/core.ts';
import { rawLeak, unfinishedStatuses } from '../support/faults.ts';
import { RecordingSurface } from '../support/recording-surface.ts';

const en = messages('en');
const zh = messages('zh');
const MB = 1024 * 1024;

let fake: FakeNemo;
beforeEach(async () => {
  fake = await startFakeNemo();
});
afterEach(async () => {
  await fake.close();
});

function core(setup: Parameters<typeof conversationFor>[1] = {}) {
  const { conversation } = conversationFor(fake, setup);
  const surface = new RecordingSurface();
  const say = (text: string, options: Parameters<typeof turn>[1] = {}) =>
    handleTurn(conversation, turn(text, options), surface);
  /** The last thing said, as a text or a status's last word. */
  const answer = () => {
    const last = surface.posted.findLast((entry) => entry.kind === 'text' || entry.kind === 'finish');
    return last && 'text' in last ? last.text : undefined;
  };
  return { conversation, surface, say, answer };
}

/** A file whose bytes are not what it announces. */
function streamedFile(name: string, bytes: Buffer, announced?: number): Attachment {
  return { name, size: announced, open: async () => Readable.from([bytes]) };
}

const executable = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), Buffer.alloc(4_000, 0x90)]);

describe('bad files', () => {
  it('refuses a zero-byte file, in the person’s language, and sends nothing', async () => {
    const { say, answer, surface } = core();
    await say('use this', { attachments: [memoryFile('empty.jpg', 0)] });
    expect(answer()).toBe(en.errors.empty_file);
    await say('用这个', { attachments: [memoryFile('空.png', 0)], locale: 'zh-CN' });
    expect(answer()).toBe(zh.errors.empty_file);
    expect(fake.requests).toEqual([]);
    expect(unfinishedStatuses(surface)).toEqual([]);
  });

  it('refuses a file over the limit before a byte moves, and stops one that lies about its size', async () => {
    const { say, answer } = core();
    await say('use this', { attachments: [memoryFile('film.mp4', 11 * MB)] });
    expect(answer()).toBe(en.errors.file_too_large({ limit: '10 MB' }));
    expect(fake.requests).toEqual([]);

    // Announced small, streams large: the upload is cut off at the limit, not relayed whole.
    await say('make a clip');
    await say('and this', { attachments: [streamedFile('liar.mp4', Buffer.alloc(11 * MB, 1), 1_000)] });
    expect(answer()).toBe(en.errors.file_too_large({ limit: '10 MB' }));
    expect(fake.requestsTo('upload').every((request) => (request.parts ?? []).length === 0)).toBe(true);
    expect(fake.sessions.values().next().value?.uploads).toEqual([]);
  });

  it('passes a .jpg that is really an executable to NemoVideo (names are all it can check) and relays its refusal', async () => {
    const { say, answer } = core();
    await say('make a clip');
    fake.failNext('upload', { status: 200, json: { code: 4001, message: 'Unsupported file type' } });
    await say('use this photo', {
      attachments: [streamedFile('holiday.jpg', executable, executable.length)],
    });
    expect(answer()).toBe(en.errors.unsupported_file({ formats: formatList() }));
    // The name said JPEG, so the bytes went: the cloud path has no content sniffing.
    expect(fake.requestsTo('upload')[0]?.parts?.[0]).toMatchObject({
      filename: 'holiday.jpg',
      size: executable.length,
    });
    expect(fake.requestsTo('chat')).toHaveLength(1);
  });

  it('refuses 100 files at once with the limit, and takes 20', async () => {
    const { say, answer } = core();
    const files = (count: number) =>
      Array.from({ length: count }, (_, index) => memoryFile(`p${index}.jpg`, 100));
    await say('make a slideshow', { attachments: files(100) });
    expect(answer()).toBe(en.tooManyFiles({ count: 100, limit: 20 }));
    expect(fake.requests).toEqual([]);
    await say('make a slideshow', { attachments: files(20) });
    expect(fake.requestsTo('upload')[0]?.parts).toHaveLength(20);
  });

  it('honours MAX_FILES_PER_TURN', async () => {
    const { say, answer } = core({ conversation: { turnLimits: { maxFiles: 2, maxPromptChars: 4000 } } });
    await say('two is my limit', { attachments: [1, 2, 3].map((index) => memoryFile(`p${index}.jpg`)) });
    expect(answer()).toBe(en.tooManyFiles({ count: 3, limit: 2 }));
    expect(fake.requests).toEqual([]);
  });

  it('sends emoji and right-to-left names as they are, without control characters', async () => {
    const { say } = core();
    const names = [
      'صورة العائلة 🎉.jpg',
      'bell\u0007and\u001b[31mred\u001b[0m.png',
      'invoice\u202Egpj.exe.jpg',
      'line\r\nbreak".webp',
      '\u0000\u0001.jpg',
    ];
    await say('a family video 👨‍👩‍👧 فيديو', { attachments: names.map((name) => memoryFile(name, 64)) });
    expect(fake.requestsTo('upload')[0]?.parts?.map((part) => part.filename)).toEqual([
      'صورة العائلة 🎉.jpg',
      'belland[31mred[0m.png',
      'invoicegpj.exe.jpg',
      'linebreak%22.webp',
      'file.jpg',
    ]);
    expect(JSON.stringify(fake.requests)).not.toMatch(/\\u000[0-9a-f]|\\u001[0-9a-f]|\\u202e/i);
  });
});

describe('bad text', () => {
  it('refuses a 10,000-character prompt with the limit, and passes one of 4,000', async () => {
    const { say, answer } = core();
    await say('x'.repeat(10_000));
    expect(answer()).toBe(en.promptTooLong({ length: '10,000', limit: '4,000' }));
    expect(fake.requests).toEqual([]);
    // Characters, not UTF-16 units: 4,000 emoji are 4,000 characters.
    await say('🎬'.repeat(4_000));
    expect(JSON.stringify(fake.requestsTo('chat')[0]?.json)).toContain('🎬'.repeat(4_000));
    await say(`/edit ${'y'.repeat(4_001)}`);
    expect(answer()).toBe(en.promptTooLong({ length: '4,001', limit: '4,000' }));
    expect(fake.requestsTo('chat')).toHaveLength(1);
  });

  it('passes any length with MAX_PROMPT_CHARS=0', async () => {
    const { say } = core({ conversation: { turnLimits: { maxFiles: 20, maxPromptChars: 0 } } });
    await say('z'.repeat(10_000));
    expect(JSON.stringify(fake.requestsTo('chat')[0]?.json)).toContain('z'.repeat(10_000));
  });

  it('relays emoji, right-to-left text and control characters without breaking', async () => {
    const { say, surface } = core();
    const prompt = 'اجعل الفيديو أقصر 🎬\u200F and \u0000add\u001b[2J a title ✨';
    await say(prompt);
    expect(fake.requestsTo('chat')[0]?.json).toMatchObject({
      new_message: { role: 'user', parts: [{ text: prompt }] },
    });
    expect(surface.finishes().at(-1)).toMatch(/^✅ Done in/);
  });
});

describe('bad commands', () => {
  const cases: Array<[string, string]> = [
    ['/edit', en.badArguments({ what: 'The change, e.g. "make the title bigger"' })],
    ['/video', en.badArguments({ what: 'What to make, e.g. "a 30-second promo with music"' })],
    ['/video    ', en.badArguments({ what: 'What to make, e.g. "a 30-second promo with music"' })],
    ['/new a cat video', en.extraArguments({ name: 'new' })],
    ['/export in 4K please', en.extraArguments({ name: 'export' })],
    ['/status now', en.extraArguments({ name: 'status' })],
    ['/credits 100', en.extraArguments({ name: 'credits' })],
    ['/link me', en.extraArguments({ name: 'link' })],
    ['/cancel it now', en.nothingToCancel],
    ['/help me', en.help],
    ['/frobnicate', en.unknownCommand({ name: 'frobnicate' })],
    ['/EXPORT@SomeBot extra', en.extraArguments({ name: 'export' })],
    ['/dance --fast', en.unknownCommand({ name: 'dance' })],
  ];

  it.each(cases)('%s gets a clear answer and sends nothing', async (text, expected) => {
    const { say, answer, surface } = core();
    await say(text);
    expect(answer()).toBe(expected);
    expect(surface.posted).toHaveLength(1);
    expect(fake.requests).toEqual([]);
  });

  it('answers in Chinese too', async () => {
    const { say, answer } = core();
    await say('/new 一个猫的视频', { locale: 'zh-CN' });
    expect(answer()).toBe(zh.extraArguments({ name: 'new' }));
    // A slash and a word in any script is a command, not a prompt for NemoVideo.
    await say('/导出', { locale: 'zh-CN' });
    expect(answer()).toBe(zh.unknownCommand({ name: '导出' }));
    expect(fake.requests).toEqual([]);
  });
});

describe('the bad-input corpus through the console', () => {
  it('answers every item clearly, keeps running, and sends NemoVideo only the good turn', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nemo-bad-input-'));
    writeFileSync(join(dir, 'empty.jpg'), '');
    writeFileSync(join(dir, 'big.mp4'), Buffer.alloc(3 * MB, 1));
    writeFileSync(join(dir, 'صورة🎉.jpg'), Buffer.alloc(2_048, 7));
    const many = Array.from({ length: 21 }, (_, index) => {
      writeFileSync(join(dir, `p${index}.png`), Buffer.alloc(64, index));
      return `p${index}.png`;
    });
    const script = [
      '/attach empty.jpg',
      'use this',
      '/attach big.mp4',
      'use this',
      `/attach ${many.join(' ')}`,
      'a slideshow',
      'x'.repeat(10_000),
      '/edit',
      '/new and more',
      '/frobnicate',
      '/attach nowhere.jpg',
      '/attach صورة🎉.jpg',
      'make a clip 🎬 فيديو',
    ].join('\n');
    const bot = startConsole({
      cwd: dir,
      env: {
        NEMO_API_URL: fake.url,
        STORE_URL: `sqlite://${join(dir, 'bot.sqlite')}`,
        UPLOAD_MAX_MB: '2',
        MAX_FILES_PER_TURN: '20',
        ...quickClocks,
      },
      input: `${script}\n`,
    });
    const { code } = await bot.exited;
    expect(code).toBe(0);
    const out = bot.stdout().split('\n');
    for (const expected of [
      en.errors.empty_file,
      en.errors.file_too_large({ limit: '2 MB' }),
      en.tooManyFiles({ count: 21, limit: 20 }),
      en.promptTooLong({ length: '10,000', limit: '4,000' }),
      en.badArguments({ what: 'The change, e.g. "make the title bigger"' }),
      en.extraArguments({ name: 'new' }),
      en.unknownCommand({ name: 'frobnicate' }),
      'Not a file: nowhere.jpg',
      '📎 Added 1 file(s) to your project: صورة🎉.jpg',
      'Sure! I made a 5-second clip from your photos.',
    ]) {
      expect(out).toContain(expected);
    }
    for (const line of out) expect(line).not.toMatch(rawLeak);
    expect(bot.stderr()).not.toMatch(/"level":"error"/);
    // Only the last, good turn reached NemoVideo.
    expect(fake.requestsTo('upload')).toHaveLength(1);
    expect(fake.requestsTo('upload')[0]?.parts?.map((part) => part.filename)).toEqual(['صورة🎉.jpg']);
    expect(fake.requestsTo('chat')).toHaveLength(1);
    expect(fake.requestsTo('createSession')).toHaveLength(1);
  });
});
