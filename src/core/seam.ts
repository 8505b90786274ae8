/**
 * The surface between the platform-neutral core and the chat adapters.
 *
 * An adapter turns a platform event into a `Turn` and implements `ReplySurface` for the channel
 * it came from. The core decides what to say; the adapter decides how it looks.
 */
import type { Readable } from 'node:stream';

export type Platform = 'telegram' | 'discord' | 'console';
export type Language = 'en' | 'zh';

export interface Person {
  /** Platform user id, unique within the platform. */
  id: string;
  displayName: string;
  /** The platform's locale or language code (`zh-CN`, `en-US`, `zh-hans`…); decides the reply language. */
  locale?: string | undefined;
}

/** A file the person sent, described before any byte is read. */
export interface Attachment {
  name: string;
  mimeType?: string | undefined;
  size?: number | undefined;
  /** Opens the bytes as a stream; called at most once per upload attempt. */
  open(): Promise<AsyncIterable<Uint8Array>>;
  /**
   * A URL NemoVideo may fetch itself (a signed CDN link). Absent when the only URL embeds a
   * secret, such as a Telegram file URL carrying the bot token.
   */
  shareableUrl?: string | undefined;
}

export interface Turn {
  platform: Platform;
  /** `telegram:<chat id>`, `discord:<channel or thread id>`, `console:<name>`: one NemoVideo session each. */
  channel: string;
  /** The server a Discord channel belongs to, for server allow-lists. */
  server?: string | undefined;
  /** The channel a Discord thread hangs off, so a chat allow-list naming the channel covers its threads. */
  parentChannel?: string | undefined;
  person: Person;
  text: string;
  attachments: Attachment[];
}

/** Buttons under a reply; each runs the command of the same name. */
export type Action = 'export' | 'status' | 'new';

/** The finished video, ready to be attached or linked. */
export interface VideoReply {
  fileName: string;
  /** A link anyone in the chat can open (the render's CDN URL), when the backend gave one. */
  url?: string | undefined;
  sizeBytes?: number | undefined;
  /** Streams the MP4 (from the CDN, or the authorized download route). */
  open(): Promise<Readable>;
}

export interface StatusMessage {
  /** Shows progress. Adapters may drop an update that would break their platform's edit limits. */
  update(text: string): Promise<void>;
  /** The last word on this status; always delivered, never dropped. */
  finish(text: string): Promise<void>;
}

export interface ReplySurface {
  /** The longest text one message may hold on this platform. */
  readonly maxMessageLength: number;
  postStatus(text: string): Promise<StatusMessage>;
  postText(text: string, actions?: Action[]): Promise<void>;
  /** Attaches the video when the platform allows its size, otherwise posts the link. */
  postVideo(video: VideoReply, caption: string, actions?: Action[]): Promise<void>;
}

/** How the core reaches a channel outside a turn (a render resumed after a restart). */
export type SurfaceResolver = (channel: string) => ReplySurface | undefined;
