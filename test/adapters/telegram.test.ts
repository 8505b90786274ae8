import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startTelegram } from '../../adapters/telegram/index.ts';
import { startRuntime } from '../../src/runtime.ts';
import { adkReply } from '../fakes/nemo-server.ts';
import {
  MB,
  notModified,
  type SentMessage,
  startFakeTelegram,
  tooManyRequests,
} from '../fakes/telegram-server.ts';
import {
  ada,
  addPhoto,
  bo,
  buttonPress,
  documentMessage,
  fakeJpeg,
  groupChat,
  li,
  photoMessage,
  privateChat,
  replyTo,
  sha256,
  textMessage,
  voiceMessage,
} from '../fakes/telegram-updates.ts';
import { type Harness, records, startHarness, waitFor } from './telegram-harness.ts';

let harness: Harness | undefined;

async function start(env: Record<string, string> = {}): Promise<Harness> {
  harness = await startHarness(env);
  return harness;
}

afterEach(async () => {
  if (!harness) return;
  const { nemo, telegram, logLines } = harness;
  await harness.close();
  harness = undefined;
  // Whatever the test did: the bot token never reached NemoVideo, nor the logs.
  const secret = telegram.token.split(':')[1] as string;
  expect(JSON.stringify(nemo.requests)).not.toContain(secret);
  expect(logLines.join('\n')).not.toContain(secret);
  expect(logLines.join('\n')).not.toContain('/file/bot');
});

const isDone = (text: string) => /^✅ (Done in|已完成)/.test(text);
const lastText = (h: Harness, chatId: number) => h.telegram.textsTo(chatId).at(-1);
const buttonsOf = (message: SentMessage | undefined) =>
  (message?.replyMarkup as { inline_keyboard?: Array<Array<{ text: string; callback_data: string }>> })
    ?.inline_keyboard?.[0] ?? [];
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const errorsLogged = (h: Harness) => records(h.logLines).filter((record) => record.level === 'error');

describe('telegram adapter', () => {
  it('registers the command menu in English and Chinese at start', async () => {
    const { telegram } = await start();
    const english = telegram.commands.get('');
    const chinese = telegram.commands.get('zh');
    expect(english?.map((command) => command.command)).toContain('export');
    expect(english?.find((command) => command.command === 'export')?.description).toMatch(/[A-Za-z]/);
    expect(chinese?.find((command) => command.command === 'export')?.description).toMatch(/[\u4e00-\u9fff]/);
    expect(telegram.callsTo('deleteWebhook')).toHaveLength(1);
  });

  it('turns an album captioned on its second photo into one upload, streams the reply, then exports the video', async () => {
    const h = await start();
    const { telegram, nemo } = h;
    const chat = privateChat(ada);
    const photos = [fakeJpeg(20_000, 1), fakeJpeg(21_000, 2), fakeJpeg(22_000, 3)];
    const sizes = photos.map((photo) => addPhoto(telegram, photo));

    telegram.pushUpdate(photoMessage(chat, ada, sizes[0] ?? [], { mediaGroupId: 'album-1' }));
    telegram.pushUpdate(textMessage(privateChat(bo), bo, '/help')); // another chat, in between
    await sleep(120); // the album straddles several polls
    telegram.pushUpdate(
      photoMessage(chat, ada, sizes[1] ?? [], {
        mediaGroupId: 'album-1',
        caption: 'make a 30-second promo with music',
      }),
    );
    await sleep(120);
    telegram.pushUpdate(photoMessage(chat, ada, sizes[2] ?? [], { mediaGroupId: 'album-1' }));

    await waitFor(() => h.telegram.textsTo(ada.id).some(isDone), 'the album turn to finish');
    expect(telegram.textsTo(bo.id)[0]).toContain(
      'I turn photos, clips and a sentence into a finished video.',
    );
    const uploads = nemo.requestsTo('upload');
    expect(uploads).toHaveLength(1);
    // The largest size of each photo, in album order, under names NemoVideo recognises.
    expect(uploads[0]?.parts?.map((part) => part.sha256)).toEqual(photos.map(sha256));
    expect(uploads[0]?.parts?.every((part) => /^photo_\w+\.jpg$/.test(part.filename ?? ''))).toBe(true);
    expect(JSON.stringify(nemo.requestsTo('chat')[0]?.json)).toContain('make a 30-second promo with music');
    const texts = telegram.textsTo(ada.id);
    expect(texts.some((text) => text.startsWith('📎 Added 3 file(s) to your project'))).toBe(true);
    expect(texts).toContain('Sure! I made a 5-second clip from your photos.');
    const reply = telegram.sentTo(ada.id).find((message) => message.text?.startsWith('Sure!'));
    expect(buttonsOf(reply).map((button) => button.callback_data)).toEqual([
      'cmd:export',
      'cmd:status',
      'cmd:new',
    ]);

    telegram.pushUpdate(textMessage(chat, ada, 'export'));
    const sent = await waitFor(() => telegram.sentTo(ada.id).find((message) => message.video), 'the video');
    expect(sent.video?.sha256).toBe(sha256(nemo.mp4));
    expect(sent.video?.size).toBe(nemo.mp4.length);
    expect(sent.video?.supportsStreaming).toBe(true);
    expect(sent.video?.filename).toMatch(/^nemovideo-.+\.mp4$/);
    expect(sent.caption).toContain('🎉 Your video is ready!');
    expect(sent.caption).toMatch(/Open the project in NemoVideo: http/);
    expect(buttonsOf(sent).map((button) => button.text)).toEqual([
      '🎬 Export',
      '📋 Status',
      '🆕 New project',
    ]);
    expect(nemo.requestsTo('upload')).toHaveLength(1);
    expect(telegram.rateLimited).toBe(0); // the adapter kept to the edit pace on its own
    expect(errorsLogged(h)).toEqual([]);
  });

  it('refuses a 25 MB document with a clear answer, and nothing reaches NemoVideo', async () => {
    const h = await start();
    const file = h.telegram.addFile({ size: 25 * MB });
    h.telegram.pushUpdate(
      documentMessage(privateChat(ada), ada, file, {
        fileName: 'clip.mp4',
        mimeType: 'video/mp4',
        caption: 'edit this',
      }),
    );
    const answer = await waitFor(() => lastText(h, ada.id), 'the refusal');
    expect(answer).toContain('That file is 25 MB, but Telegram lets bots download only 20 MB.');
    expect(answer).toContain('Nothing was uploaded.');
    await sleep(200);
    expect(h.nemo.requests).toEqual([]);
    expect(h.telegram.callsTo('getFile')).toEqual([]);
  });

  it('refuses voice notes and unsupported documents before any upload', async () => {
    const h = await start();
    const chat = privateChat(ada);
    h.telegram.pushUpdate(voiceMessage(chat, ada, h.telegram.addFile({ bytes: Buffer.alloc(900, 1) })));
    const pdf = h.telegram.addFile({ bytes: Buffer.from('%PDF-1.7') });
    h.telegram.pushUpdate(
      documentMessage(chat, ada, pdf, { fileName: 'brief.pdf', mimeType: 'application/pdf' }),
    );
    await waitFor(() => h.telegram.textsTo(ada.id).length >= 2, 'two refusals');
    const [voice, document] = h.telegram.textsTo(ada.id);
    expect(voice).toContain('Voice notes are OGG/Opus audio');
    expect(document).toContain("I can't use that file. Supported formats: mp4");
    expect(h.nemo.requests).toEqual([]);
  });

  it('skips a progress edit answered 429 and still delivers the last word after retry_after', async () => {
    const h = await start();
    h.nemo.queueChat({ steps: [{ delayMs: 400 }, ...adkReply('All set.')] });
    h.telegram.failNext('editMessageText', tooManyRequests(1));
    h.telegram.pushUpdate(textMessage(privateChat(ada), ada, 'make a short clip of a sunrise'));

    await waitFor(() => h.telegram.textsTo(ada.id).some(isDone), 'the last word', 6_000);
    const edits = h.telegram.callsTo('editMessageText');
    const limited = edits.findIndex((call) => call.answer?.errorCode === 429);
    expect(limited).toBe(0);
    const after = edits.slice(limited + 1);
    // Nothing was edited during the second Telegram asked for; the last word came after it.
    expect(after.every((call) => call.at - (edits[limited]?.at ?? 0) >= 1_000)).toBe(true);
    expect(after.at(-1)?.answer?.ok).toBe(true);
    expect(h.telegram.textsTo(ada.id)).toContain('All set.');
    expect(h.telegram.rateLimited).toBe(0);
    expect(errorsLogged(h)).toEqual([]);
    expect(h.logLines.some((line) => line.includes('status update failed'))).toBe(false);
  });

  it('takes "message is not modified" as success, not as a failure', async () => {
    const h = await start();
    h.nemo.queueChat({ steps: [{ delayMs: 300 }, ...adkReply('Done and dusted.')] });
    h.telegram.failNext('editMessageText', notModified());
    h.telegram.pushUpdate(textMessage(privateChat(ada), ada, 'make a short clip of the sea'));

    await waitFor(() => h.telegram.textsTo(ada.id).some(isDone), 'the last word', 6_000);
    const answers = h.telegram.callsTo('editMessageText').map((call) => call.answer?.description ?? 'ok');
    expect(answers.filter((answer) => answer.includes('message is not modified'))).toHaveLength(1);
    const failures = records(h.logLines).filter(
      (record) => record.level === 'warn' || record.level === 'error',
    );
    expect(failures).toEqual([]);
  });

  it('in a group, ignores messages not addressed to it and answers a mention (without the mention)', async () => {
    const h = await start();
    const group = groupChat();
    h.telegram.pushUpdate(textMessage(group, ada, 'anyone up for making a video tonight?'));
    h.telegram.pushUpdate(textMessage(group, bo, '/status@some_other_bot'));
    h.telegram.pushUpdate(textMessage(group, ada, '@nemo_test_bot make a 10 second clip of fireworks'));

    await waitFor(() => h.telegram.textsTo(group.id).some(isDone), 'the mention to be handled');
    const chats = h.nemo.requestsTo('chat');
    expect(chats).toHaveLength(1);
    expect(JSON.stringify(chats[0]?.json)).toContain('"make a 10 second clip of fireworks"');
    expect(JSON.stringify(h.nemo.requests)).not.toContain('anyone up for');
    expect(h.telegram.textsTo(group.id).some((text) => text.includes('There is no project'))).toBe(false);

    // A reply to one of the bot's messages is addressed to it too.
    const botMessage = h.telegram.sentTo(group.id)[0] as SentMessage;
    const before = h.telegram.sentTo(group.id).length;
    h.telegram.pushUpdate(textMessage(group, bo, 'status', replyTo(h.telegram, botMessage)));
    await waitFor(() => h.telegram.sentTo(group.id).length > before, 'the status answer');
    expect(lastText(h, group.id)).toMatch(/^\S.*\n1\. /);
  });

  it('answers a zh-hans person in Chinese, buttons included', async () => {
    const h = await start();
    const chat = privateChat(li);
    const photo = addPhoto(h.telegram, fakeJpeg(5_000, 9));
    h.telegram.pushUpdate(photoMessage(chat, li, photo, { caption: '用这张照片做一个短视频' }));

    await waitFor(() => h.telegram.textsTo(li.id).some(isDone), 'the Chinese turn');
    const texts = h.telegram.textsTo(li.id);
    expect(texts.some((text) => text.startsWith('📎 已将 1 个文件加入项目'))).toBe(true);
    expect(texts.some((text) => text.startsWith('✅ 已完成'))).toBe(true);
    const withButtons = h.telegram.sentTo(li.id).find((message) => buttonsOf(message).length > 0);
    expect(buttonsOf(withButtons).map((button) => button.text)).toEqual(['🎬 导出', '📋 状态', '🆕 新项目']);

    h.telegram.pushUpdate(textMessage(chat, li, '/credits'));
    await waitFor(() => lastText(h, li.id)?.startsWith('💳 积分'), 'credits in Chinese');
  });

  it('runs the export when the Export button is pressed', async () => {
    const h = await start();
    const chat = privateChat(ada);
    h.telegram.pushUpdate(
      photoMessage(chat, ada, addPhoto(h.telegram, fakeJpeg(8_000, 4)), { caption: 'a 5 second clip' }),
    );
    const withButtons = await waitFor(
      () => h.telegram.sentTo(ada.id).find((message) => message.text?.startsWith('Sure!')),
      'the reply with buttons',
    );
    await waitFor(() => h.telegram.textsTo(ada.id).some(isDone), 'the turn to finish');

    h.telegram.pushUpdate(buttonPress(h.telegram, ada, withButtons, 'cmd:export'));
    const sent = await waitFor(() => h.telegram.sentTo(ada.id).find((message) => message.video), 'the video');
    expect(sent.video?.sha256).toBe(sha256(h.nemo.mp4));
    expect(h.telegram.callsTo('answerCallbackQuery')).toHaveLength(1);
    expect(h.nemo.requestsTo('renderSubmit')).toHaveLength(1);
  });

  it('posts the link when the video is over the upload limit', async () => {
    const h = await start({ TELEGRAM_MAX_UPLOAD_MB: '0.01' });
    const chat = privateChat(ada);
    h.telegram.pushUpdate(
      photoMessage(chat, ada, addPhoto(h.telegram, fakeJpeg(4_000, 5)), { caption: 'clip' }),
    );
    await waitFor(() => h.telegram.textsTo(ada.id).some(isDone), 'the turn to finish');
    h.telegram.pushUpdate(textMessage(chat, ada, '/export'));
    const link = await waitFor(
      () => h.telegram.textsTo(ada.id).find((text) => text.includes('⬇️ Download the video:')),
      'the link',
    );
    expect(link).toMatch(
      /🎉 Your video is ready![\s\S]*⬇️ Download the video: http:\/\/127\.0\.0\.1:\d+\/files\/.+\.mp4/,
    );
    expect(h.telegram.callsTo('sendVideo')).toEqual([]);
  });

  it('posts the link when Telegram refuses the upload as too large (413)', async () => {
    const h = await start();
    h.telegram.maxUploadBytes = 10_000;
    const chat = privateChat(ada);
    h.telegram.pushUpdate(
      photoMessage(chat, ada, addPhoto(h.telegram, fakeJpeg(4_000, 7)), { caption: 'clip' }),
    );
    await waitFor(() => h.telegram.textsTo(ada.id).some(isDone), 'the turn to finish');
    h.telegram.pushUpdate(textMessage(chat, ada, '/export'));
    await waitFor(
      () => h.telegram.textsTo(ada.id).find((text) => text.includes('⬇️ Download the video:')),
      'the link',
    );
    expect(h.telegram.callsTo('sendVideo').map((call) => call.answer?.errorCode)).toEqual([413]);
    expect(errorsLogged(h)).toEqual([]);
  });

  it('sends the last word as a new message when the status message cannot be edited', async () => {
    const h = await start();
    h.nemo.queueChat({ steps: [{ delayMs: 200 }, ...adkReply('Here you go.')] });
    h.telegram.failNext(
      'editMessageText',
      { error_code: 400, description: 'Bad Request: message to edit not found' },
      10,
    );
    h.telegram.pushUpdate(textMessage(privateChat(ada), ada, 'make a clip of rain'));
    await waitFor(() => h.telegram.textsTo(ada.id).some(isDone), 'the last word');
    const status = h.telegram.sentTo(ada.id)[0];
    expect(status?.text).toBe('⏳ Working on it…');
    expect(errorsLogged(h)).toEqual([]);
  });

  it('keeps taking a chat’s updates while its job runs, so /cancel stops it', async () => {
    const h = await start();
    h.nemo.queueChat({ steps: [{ hang: true }] });
    const chat = privateChat(ada);
    h.telegram.pushUpdate(textMessage(chat, ada, 'make a long documentary'));
    await waitFor(() => h.nemo.requestsTo('chat').length > 0, 'the chat to run');
    h.telegram.pushUpdate(textMessage(chat, ada, 'make it blue'));
    h.telegram.pushUpdate(textMessage(chat, ada, '/cancel'));
    await waitFor(() => h.telegram.textsTo(ada.id).includes('Stopped.'), 'the cancellation');
    expect(h.telegram.textsTo(ada.id)).toContain(
      '⏳ Still working on your last request — send /cancel to stop it.',
    );
    expect(h.nemo.requestsTo('chat')).toHaveLength(1);
  });

  it('delivers a render that was running when the bot restarted', async () => {
    const h = await start();
    h.nemo.render = {
      shape: 'top',
      statuses: ['pending', ...Array(12).fill('processing'), 'completed'],
      urlReachable: true,
    };
    const chat = privateChat(ada);
    h.telegram.pushUpdate(
      photoMessage(chat, ada, addPhoto(h.telegram, fakeJpeg(4_000, 6)), { caption: 'clip' }),
    );
    await waitFor(() => h.telegram.textsTo(ada.id).some(isDone), 'the turn to finish');
    h.telegram.pushUpdate(textMessage(chat, ada, '/export'));
    await waitFor(() => (h.nemo.renders.values().next().value?.polls ?? 0) > 2, 'the render to be polled');

    await h.bot.stop();
    await waitFor(() => lastText(h, ada.id)?.startsWith('⏸'), 'the restart notice');
    await h.startBot();
    const sent = await waitFor(
      () => h.telegram.sentTo(ada.id).find((message) => message.video),
      'the video',
      10_000,
    );
    expect(sent.video?.sha256).toBe(sha256(h.nemo.mp4));
    expect(h.nemo.requestsTo('renderSubmit')).toHaveLength(1);
  });

  it('takes updates by webhook when TELEGRAM_WEBHOOK_URL is set, checking the secret', async () => {
    const port = await freePort();
    const h = await start({
      TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`,
      TELEGRAM_WEBHOOK_PORT: String(port),
    });
    expect(h.telegram.webhook?.url).toBe(`http://127.0.0.1:${port}/telegram/hook`);
    expect(h.telegram.webhook?.secretToken).toMatch(/^[\w-]{32,}$/);
    expect(h.telegram.callsTo('getUpdates')).toEqual([]);

    h.telegram.pushUpdate(textMessage(privateChat(ada), ada, '/help'));
    await waitFor(() => lastText(h, ada.id)?.startsWith('I turn photos'), 'the help by webhook');
    const forged = await fetch(`http://127.0.0.1:${port}/telegram/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'wrong' },
      body: JSON.stringify(textMessage(privateChat(bo), bo, '/help')),
    });
    expect(forged.status).toBe(401);
    expect(h.telegram.textsTo(bo.id)).toEqual([]);
  });

  it('fails to start with a clear message when Telegram refuses the token', async () => {
    const telegram = await startFakeTelegram();
    const dir = mkdtempSync(join(tmpdir(), 'nemo-telegram-'));
    const lines: string[] = [];
    const wrongToken = `654321:${'Z'.repeat(30)}`;
    const runtime = await startRuntime(
      {
        TELEGRAM_BOT_TOKEN: wrongToken,
        TELEGRAM_API_ROOT: telegram.url,
        STORE_URL: `sqlite://${join(dir, 'bot.sqlite')}`,
        LOG_LEVEL: 'debug',
      },
      { logWrite: (line) => lines.push(line) },
    );
    try {
      const failure = await startTelegram(runtime).then(
        () => undefined,
        (error: Error) => error.message,
      );
      expect(failure).toBe(
        'Telegram: could not reach the bot (Unauthorized); check TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT',
      );
      expect(lines.join('\n')).not.toContain('Z'.repeat(30));
    } finally {
      await runtime.close();
      await telegram.close();
    }
  });
});
