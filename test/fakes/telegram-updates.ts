/**
 * Builders of realistic Bot API updates for the fake Telegram server: people, chats, text with
 * the entities a client would attach, photos in several sizes, documents, album members and
 * button presses. Push them with `telegram.pushUpdate(…)`; the update id is assigned there.
 */
import { createHash } from 'node:crypto';
import type { Chat, Message, MessageEntity, PhotoSize, Update, User } from 'grammy/types';
import type { FakeFile, FakeTelegram, SentMessage } from './telegram-server.ts';

export type NewUpdate = Omit<Update, 'update_id'>;
/** A message in a chat with people (not a channel post). */
type ChatMessage = NonNullable<Update['message']>;

export const ada: User = {
  id: 1001,
  is_bot: false,
  first_name: 'Ada',
  last_name: 'Lovelace',
  language_code: 'en',
};
export const li: User = {
  id: 1002,
  is_bot: false,
  first_name: '李',
  last_name: '雷',
  language_code: 'zh-hans',
};
export const bo: User = { id: 1003, is_bot: false, first_name: 'Bo', language_code: 'en-GB' };

export const privateChat = (user: User): Chat.PrivateChat => ({
  id: user.id,
  type: 'private',
  first_name: user.first_name,
});

export const groupChat = (id = -1_001_234_567_890): Chat.SupergroupChat => ({
  id,
  type: 'supergroup',
  title: 'Video club',
});

let nextMessageId = 1;

function header(chat: Chat, from: User) {
  return { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), chat, from };
}

/** The entities a client attaches: a leading /command, and @mentions. */
export function entitiesOf(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const command = /^\/\w+(?:@\w+)?/.exec(text);
  if (command) entities.push({ type: 'bot_command', offset: 0, length: command[0].length });
  for (const mention of text.matchAll(/(?<![\w/])@\w{5,32}/g)) {
    const offset = mention.index;
    if (!command || offset >= command[0].length)
      entities.push({ type: 'mention', offset, length: mention[0].length });
  }
  return entities;
}

export function textMessage(chat: Chat, from: User, text: string, extra: Partial<Message> = {}): NewUpdate {
  const entities = entitiesOf(text);
  return {
    message: {
      ...header(chat, from),
      text,
      ...(entities.length ? { entities } : {}),
      ...extra,
    } as ChatMessage,
  };
}

/** Bytes that start like a JPEG; `seed` makes each picture different. */
export function fakeJpeg(size: number, seed: number): Buffer {
  const bytes = Buffer.alloc(size);
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]).copy(bytes);
  for (let at = 4; at < size; at++) bytes[at] = (at * 7 + seed * 13) & 0xff;
  return bytes;
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A photo as Telegram keeps it: three sizes of one picture, each its own file, largest last. */
export function addPhoto(telegram: FakeTelegram, bytes: Buffer): PhotoSize[] {
  const sizes: Array<[Buffer, number, number]> = [
    [bytes.subarray(0, Math.min(bytes.length, 600)), 90, 68],
    [bytes.subarray(0, Math.min(bytes.length, 3000)), 320, 240],
    [bytes, 1280, 960],
  ];
  return sizes.map(([data, width, height]) => ({
    ...telegram.addFile({ bytes: data, path: undefined }),
    width,
    height,
  }));
}

interface MediaOptions {
  caption?: string;
  mediaGroupId?: string;
}

function media(options: MediaOptions): Partial<Message> {
  const extra: Partial<Message> = {};
  if (options.caption !== undefined) {
    extra.caption = options.caption;
    const entities = entitiesOf(options.caption);
    if (entities.length) extra.caption_entities = entities;
  }
  if (options.mediaGroupId !== undefined) extra.media_group_id = options.mediaGroupId;
  return extra;
}

export function photoMessage(
  chat: Chat,
  from: User,
  sizes: PhotoSize[],
  options: MediaOptions = {},
): NewUpdate {
  return { message: { ...header(chat, from), photo: sizes, ...media(options) } as ChatMessage };
}

export function documentMessage(
  chat: Chat,
  from: User,
  file: FakeFile,
  document: { fileName?: string; mimeType?: string } & MediaOptions,
): NewUpdate {
  return {
    message: {
      ...header(chat, from),
      document: { ...file, file_name: document.fileName, mime_type: document.mimeType },
      ...media(document),
    } as ChatMessage,
  };
}

export function voiceMessage(chat: Chat, from: User, file: FakeFile): NewUpdate {
  return {
    message: {
      ...header(chat, from),
      voice: { ...file, duration: 3, mime_type: 'audio/ogg' },
    } as ChatMessage,
  };
}

/** Someone presses a button under a message the bot sent. */
export function buttonPress(telegram: FakeTelegram, from: User, sent: SentMessage, data: string): NewUpdate {
  return {
    callback_query: {
      id: `${from.id}${nextMessageId++}`,
      from,
      message: telegram.messageObject(sent),
      chat_instance: '-4242',
      data,
    },
  };
}

/** A reply to a message the bot sent. */
export function replyTo(telegram: FakeTelegram, sent: SentMessage): Partial<Message> {
  return { reply_to_message: telegram.messageObject(sent) as Message['reply_to_message'] };
}
