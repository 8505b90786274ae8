/**
 * The Telegram Bot API misbehaving while the bot works: a storm of 429 (Too Many Requests, with
 * retry_after) and 5xx on the calls an export needs. The final video still arrives: as the MP4
 * when the retries get through, as its link when Telegram asks for a pause too long to wait out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, waitFor } from '../adapters/telegram-harness.ts';
import { type TelegramError, tooManyRequests } from '../fakes/telegram-server.ts';
import {
  ada,
  addPhoto,
  fakeJpeg,
  photoMessage,
  privateChat,
  sha256,
  textMessage,
} from '../fakes/telegram-updates.ts';

const badGateway: TelegramError = { error_code: 502, description: 'Bad Gateway' };
const isDone = (text: string) => /^✅ Done in/.test(text);

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** A bot with a first clip made for Ada, ready to export. */
async function withProject(): Promise<Harness> {
  harness = await startHarness();
  const h = harness;
  h.telegram.pushUpdate(
    photoMessage(privateChat(ada), ada, addPhoto(h.telegram, fakeJpeg(6_000, 3)), {
      caption: 'a 5 second clip',
    }),
  );
  await waitFor(() => h.telegram.textsTo(ada.id).some(isDone), 'the first clip');
  return h;
}

const answers = (h: Harness, method: string) =>
  h.telegram.callsTo(method).map((call) => (call.answer?.ok ? 'ok' : String(call.answer?.errorCode)));

describe('Telegram faults', () => {
  it('gets the MP4 through a storm of 429s and 5xx, and the link when the upload keeps failing', async () => {
    const h = await withProject();
    const chat = privateChat(ada);
    h.telegram.failNext('getUpdates', tooManyRequests(1));
    h.telegram.failNext('sendMessage', tooManyRequests(1));
    h.telegram.failNext('editMessageText', badGateway);
    h.telegram.failNext('editMessageText', tooManyRequests(1));
    h.telegram.failNext('sendVideo', badGateway);
    h.telegram.failNext('sendVideo', tooManyRequests(1));
    h.telegram.pushUpdate(textMessage(chat, ada, '/export'));

    const sent = await waitFor(
      () => h.telegram.sentTo(ada.id).find((message) => message.video),
      'the video',
      15_000,
    );
    expect(sent.video?.sha256).toBe(sha256(h.nemo.mp4));
    expect(sent.caption).toContain('🎉 Your video is ready!');
    expect(answers(h, 'sendVideo')).toEqual(['502', '429', 'ok']);
    expect(answers(h, 'sendMessage')).toContain('429');
    expect(answers(h, 'editMessageText')).toEqual(expect.arrayContaining(['502', '429']));
    // One render, one video: the retries were Telegram calls, never NemoVideo work.
    expect(h.nemo.requestsTo('renderSubmit')).toHaveLength(1);
    expect(h.telegram.sentTo(ada.id).filter((message) => message.video)).toHaveLength(1);
    await h.bot.runtime.conversation.idle();

    // Telegram asks for a two-minute pause: the upload is given up rather than the job stalled,
    // and the video's link is posted instead.
    h.telegram.failNext('sendVideo', tooManyRequests(120));
    h.telegram.pushUpdate(textMessage(chat, ada, '/export'));
    const link = await waitFor(
      () => h.telegram.textsTo(ada.id).find((text) => text.includes('⬇️ Download the video:')),
      'the link',
      15_000,
    );
    expect(link).toMatch(/🎉 Your video is ready![\s\S]*http:\/\/127\.0\.0\.1:\d+\/files\/render_\w+\.mp4/);
    expect(answers(h, 'sendVideo').slice(3)).toEqual(['429']);
    expect(h.nemo.requestsTo('renderSubmit')).toHaveLength(2);
  });
});
