/**
 * Telegram messages as the core's turns: who (the sender and their `language_code`), where
 * (`telegram:<chat id>`), the words (text or caption, without the bot's @mention) and the files.
 *
 * In a group the bot takes part only when spoken to: a command, an @mention, or a reply to one of
 * its messages. A command addressed to another bot (`/help@OtherBot`) is never ours.
 */
import type { Message, MessageEntity, User } from 'grammy/types';
import type { Person, Turn } from '../../src/core/seam.ts';
import type { FileRef } from './files.ts';

export interface BotIdentity {
  id: number;
  username: string;
}

/** One message, read; an album is several of these merged into one. */
export interface Incoming {
  chatId: number;
  isPrivate: boolean;
  /** A command, a mention of the bot, or a reply to it (what a group needs to involve the bot). */
  addressed: boolean;
  messageId: number;
  mediaGroupId: string | undefined;
  person: Person;
  text: string;
  files: FileRef[];
}

export const channelOf = (chatId: number): string => `telegram:${chatId}`;

export function personOf(user: User): Person {
  return {
    id: String(user.id),
    displayName:
      [user.first_name, user.last_name].filter(Boolean).join(' ') || user.username || String(user.id),
    locale: user.language_code,
  };
}

export function turnOf(incoming: Incoming, attachments: Turn['attachments']): Turn {
  return {
    platform: 'telegram',
    channel: channelOf(incoming.chatId),
    person: incoming.person,
    text: incoming.text,
    attachments,
  };
}

/** Whether the bot should act on it: everything in a private chat, only what is addressed to it elsewhere. */
export function isForBot(incoming: Incoming): boolean {
  return incoming.isPrivate || incoming.addressed;
}

/**
 * Reads a message; undefined for what is not a turn (service messages, a command for another
 * bot, messages without a sender).
 */
export function readMessage(message: Message, me: BotIdentity): Incoming | undefined {
  if (!message.from || message.from.is_bot) return undefined;
  const raw = message.text ?? message.caption ?? '';
  const entities = message.entities ?? message.caption_entities ?? [];
  const mentions = entities.filter((entity) => mentionsBot(entity, raw, me));
  let text = withoutRanges(raw, mentions);

  const command = /^\/([A-Za-z0-9_]+)(?:@(\w+))?/.exec(text);
  if (command?.[2] && command[2].toLowerCase() !== me.username.toLowerCase()) return undefined;
  // Telegram opens every conversation with /start (plus a deep-link payload): the help answers it.
  if (command?.[1]?.toLowerCase() === 'start') text = '/help';

  const files = filesOf(message);
  const other = ['sticker', 'location', 'contact', 'poll', 'dice', 'venue', 'story', 'game'].some(
    (field) => field in message,
  );
  if (text === '' && files.length === 0 && !other) return undefined;

  return {
    chatId: message.chat.id,
    isPrivate: message.chat.type === 'private',
    addressed: command !== null || mentions.length > 0 || message.reply_to_message?.from?.id === me.id,
    messageId: message.message_id,
    mediaGroupId: message.media_group_id,
    person: personOf(message.from),
    text,
    files,
  };
}

/**
 * Album members merged into one turn: every file in message order, the caption (Telegram puts
 * it on whichever item the person captioned) as the text, and addressed if any item is.
 */
export function mergeAlbum(items: Incoming[]): Incoming {
  const ordered = [...items].sort((a, b) => a.messageId - b.messageId);
  const captioned = ordered.find((item) => item.text !== '');
  const first = ordered[0] as Incoming;
  return {
    ...first,
    person: (captioned ?? first).person,
    text: captioned?.text ?? '',
    addressed: ordered.some((item) => item.addressed),
    files: ordered.flatMap((item) => item.files),
  };
}

function mentionsBot(entity: MessageEntity, text: string, me: BotIdentity): boolean {
  if (entity.type === 'text_mention') return entity.user.id === me.id;
  if (entity.type !== 'mention') return false;
  const mention = text.slice(entity.offset, entity.offset + entity.length);
  return mention.toLowerCase() === `@${me.username.toLowerCase()}`;
}

/** `text` without the entities' ranges (UTF-16 offsets, as JavaScript strings count), tidied. */
function withoutRanges(text: string, entities: MessageEntity[]): string {
  let result = text;
  for (const entity of [...entities].sort((a, b) => b.offset - a.offset)) {
    result = result.slice(0, entity.offset) + result.slice(entity.offset + entity.length);
  }
  return result
    .replace(/[^\S\n]{2,}/g, ' ')
    .replace(/^[\s,:]+/, '')
    .trim();
}

function filesOf(message: Message): FileRef[] {
  const files: FileRef[] = [];
  const photo = message.photo;
  if (photo && photo.length > 0) {
    const measure = (size: (typeof photo)[number]) => size.file_size ?? size.width * size.height;
    const largest = photo.reduce((best, size) => (measure(size) > measure(best) ? size : best));
    files.push(ref('photo', largest, `photo_${largest.file_unique_id}.jpg`, 'image/jpeg'));
  }
  // An animation (a GIF, converted to MP4 by Telegram) also fills `document`: one file, not two.
  const { animation, document, video, video_note: videoNote, audio, voice } = message;
  if (animation) {
    files.push(ref('animation', animation, animation.file_name, animation.mime_type ?? 'video/mp4'));
  } else if (document) {
    files.push(ref('document', document, document.file_name, document.mime_type));
  }
  if (video) files.push(ref('video', video, video.file_name, video.mime_type ?? 'video/mp4'));
  if (videoNote) files.push(ref('video_note', videoNote, undefined, 'video/mp4'));
  if (audio) files.push(ref('audio', audio, audio.file_name, audio.mime_type ?? 'audio/mpeg'));
  if (voice) files.push(ref('voice', voice, undefined, voice.mime_type ?? 'audio/ogg'));
  return files;
}

function ref(
  kind: FileRef['kind'],
  file: { file_id: string; file_unique_id: string; file_size?: number },
  name: string | undefined,
  mimeType: string | undefined,
): FileRef {
  const fallback = kind === 'voice' ? `voice_${file.file_unique_id}.ogg` : `${kind}_${file.file_unique_id}`;
  return {
    kind,
    fileId: file.file_id,
    uniqueId: file.file_unique_id,
    name: name || fallback,
    mimeType,
    size: file.file_size,
  };
}
