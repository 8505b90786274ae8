import type { Message } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { EditPacer } from '../../adapters/telegram/pacing.ts';
import { mergeAlbum, readMessage } from '../../adapters/telegram/turns.ts';
import { ada, groupChat, privateChat, textMessage } from '../fakes/telegram-updates.ts';

const me = { id: 7_000_001, username: 'nemo_test_bot' };
const messageOf = (update: ReturnType<typeof textMessage>) => update.message as Message;
const file = (id: string, size: number) => ({ file_id: `f${id}`, file_unique_id: `u${id}`, file_size: size });

describe('reading Telegram messages', () => {
  it('strips the mention of the bot, keeps other mentions, and marks the message addressed', () => {
    const incoming = readMessage(
      messageOf(textMessage(groupChat(), ada, '@nemo_test_bot, make a clip for @someone_else')),
      me,
    );
    expect(incoming?.text).toBe('make a clip for @someone_else');
    expect(incoming?.addressed).toBe(true);
    expect(incoming?.isPrivate).toBe(false);
    expect(incoming?.person).toEqual({ id: '1001', displayName: 'Ada Lovelace', locale: 'en' });
  });

  it('takes commands for itself, ignores those for other bots, and answers /start with the help', () => {
    const group = groupChat();
    expect(
      readMessage(messageOf(textMessage(group, ada, '/edit@nemo_test_bot bigger title')), me),
    ).toMatchObject({
      text: '/edit@nemo_test_bot bigger title',
      addressed: true,
    });
    expect(readMessage(messageOf(textMessage(group, ada, '/edit@other_bot bigger')), me)).toBeUndefined();
    expect(readMessage(messageOf(textMessage(privateChat(ada), ada, '/start promo-42')), me)?.text).toBe(
      '/help',
    );
    expect(readMessage(messageOf(textMessage(group, ada, 'just chatting')), me)?.addressed).toBe(false);
  });

  it('takes the largest photo size, and an animation once (not also as its document)', () => {
    const base = messageOf(textMessage(privateChat(ada), ada, ''));
    const photo = readMessage(
      {
        ...base,
        text: undefined,
        photo: [
          { ...file('s', 900), width: 90, height: 90 },
          { ...file('l', 90_000), width: 1280, height: 1280 },
          { ...file('m', 9_000), width: 320, height: 320 },
        ],
      } as unknown as Message,
      me,
    );
    expect(photo?.files).toEqual([
      {
        kind: 'photo',
        fileId: 'fl',
        uniqueId: 'ul',
        name: 'photo_ul.jpg',
        mimeType: 'image/jpeg',
        size: 90_000,
      },
    ]);
    const animation = { ...file('a', 5_000), width: 1, height: 1, duration: 1, file_name: 'party.gif.mp4' };
    const gif = readMessage(
      { ...base, text: undefined, animation, document: animation } as unknown as Message,
      me,
    );
    expect(gif?.files.map((ref) => ref.kind)).toEqual(['animation']);
  });

  it('ignores service messages and messages from bots', () => {
    const base = messageOf(textMessage(groupChat(), ada, ''));
    expect(
      readMessage({ ...base, text: undefined, new_chat_members: [ada] } as unknown as Message, me),
    ).toBeUndefined();
    expect(
      readMessage({ ...base, text: 'hi', from: { ...ada, is_bot: true } } as Message, me),
    ).toBeUndefined();
  });

  it('merges an album in message order with the caption of whichever item has it', () => {
    const item = (messageId: number, text: string, addressed: boolean) => ({
      chatId: -1,
      isPrivate: false,
      addressed,
      messageId,
      mediaGroupId: 'g',
      person: { id: '1', displayName: 'Ada' },
      text,
      files: [
        {
          kind: 'photo' as const,
          fileId: `f${messageId}`,
          uniqueId: `u${messageId}`,
          name: `p${messageId}.jpg`,
        },
      ],
    });
    const album = mergeAlbum([item(12, '', false), item(11, 'promo', true), item(13, '', false)]);
    expect(album.text).toBe('promo');
    expect(album.addressed).toBe(true);
    expect(album.files.map((ref) => ref.fileId)).toEqual(['f11', 'f12', 'f13']);
  });
});

describe('edit pacing', () => {
  it('spaces edits in one chat by the gap, and keeps chats apart', async () => {
    const pacer = new EditPacer({ gapMs: 60, groupPerMinute: 20 });
    expect(pacer.tryStart(1)).toBe(true);
    expect(pacer.tryStart(1)).toBe(false); // one edit at a time
    pacer.done(1);
    expect(pacer.tryStart(1)).toBe(false); // too soon
    expect(pacer.tryStart(2)).toBe(true); // another chat is not held up
    const started = Date.now();
    await pacer.start(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
  });

  it('allows a group no more than its per-minute budget', () => {
    const pacer = new EditPacer({ gapMs: 0, groupPerMinute: 3 });
    for (let edit = 0; edit < 3; edit += 1) {
      expect(pacer.tryStart(-5)).toBe(true);
      pacer.done(-5);
    }
    expect(pacer.tryStart(-5)).toBe(false);
    expect(pacer.delayFor(-5)).toBeGreaterThan(59_000);
    expect(pacer.tryStart(5)).toBe(true); // private chats have no minute budget
  });

  it('holds a chat for the retry_after of a 429', () => {
    const pacer = new EditPacer({ gapMs: 0, groupPerMinute: 20 });
    pacer.block(1, 2);
    expect(pacer.tryStart(1)).toBe(false);
    expect(pacer.delayFor(1)).toBeGreaterThan(1_900);
  });
});
