/** Public types of the fake Discord (see discord-server.ts). */

/** The clock the fake (and the bot under test) age interaction tokens by; tests move it. */
export interface FakeClock {
  now(): number;
  /** Moves the clock forward without waiting. */
  advance(ms: number): void;
}

export interface RecordedFile {
  /** The multipart field: `files[0]`, … */
  field: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface DiscordRequest {
  method: string;
  /** Without `/api/v10`, e.g. `/channels/123/messages`. */
  path: string;
  /** The spec's route template, e.g. `POST /channels/{channel_id}/messages`; `unknown` when it has none. */
  route: string;
  query: Record<string, string>;
  /** The JSON body, or the JSON in a multipart body's `payload_json`. */
  json?: unknown;
  files: RecordedFile[];
  /** The Authorization header, as sent. */
  authorization?: string | undefined;
  /** The answer's HTTP status. */
  status: number;
  /** Real time (performance.now()) of arrival, for intervals between edits. */
  at: number;
}

export interface FakeUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: null;
  bot?: boolean;
}

export interface FakeAttachment {
  id: string;
  filename: string;
  size: number;
  content_type?: string;
  url: string;
  proxy_url: string;
}

export interface FakeChannel {
  id: string;
  type: number;
  name: string;
  /** For threads: the channel they hang off, and who opened them. */
  parentId?: string | undefined;
  ownerId?: string | undefined;
  /** The bot's permissions here (threads use their parent's). */
  permissions: bigint;
}

export interface FakeMessage {
  id: string;
  channelId: string;
  author: FakeUser;
  content: string;
  components: unknown[];
  attachments: FakeAttachment[];
  /** As the request asked (`allowed_mentions`), for checks on who got notified. */
  allowedMentions?: unknown;
  /** The message this one answers. */
  replyTo?: string | undefined;
  /** Interaction replies and follow-ups: the interaction's token. */
  interactionToken?: string | undefined;
  /** Message flags (128: the "thinking…" of a deferred reply). */
  flags: number;
  edits: number;
  deleted: boolean;
}

export interface FakeInteraction {
  id: string;
  token: string;
  channelId: string;
  user: FakeUser;
  /** Clock time of creation; the token lives 15 minutes from here. */
  createdAt: number;
  acknowledged: boolean;
  originalId?: string | undefined;
}

export interface SlashCommandInput {
  name: string;
  /** String options by name. */
  options?: Record<string, string>;
  /** Attachment options by name (`file1` …), from `fake.attachment(…)`. */
  files?: Record<string, FakeAttachment>;
  channelId?: string;
  user?: FakeUser;
  locale?: string;
  /** What Discord reports as the upload limit for this interaction. */
  attachmentSizeLimit?: number;
}

export interface ButtonInput {
  customId: string;
  /** The message the button is on. */
  message: FakeMessage;
  user?: FakeUser;
  locale?: string;
}

export interface MessageInput {
  channelId: string;
  content: string;
  user?: FakeUser;
  attachments?: FakeAttachment[];
}
