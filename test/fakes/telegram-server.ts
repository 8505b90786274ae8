/**
 * A fake Telegram Bot API for tests: a real HTTP server on 127.0.0.1 (random port) that grammY
 * reaches through its `apiRoot` option, so the bot's real client code runs.
 *
 *   const telegram = await startFakeTelegram();
 *   telegram.pushUpdate(textUpdate(privateChat(ada), ada, 'hello'));   // see telegram-updates.ts
 *   await waitFor(() => telegram.textsTo(ada.id).length > 0);
 *   telegram.failNext('editMessageText', tooManyRequests(1));
 *   …
 *   await telegram.close();
 *
 * It answers `/bot<token>/<method>` like the Bot API (`{"ok":true,"result":…}` or
 * `{"ok":false,"error_code":…,"description":…,"parameters":…}`), serves `/file/bot<token>/<path>`,
 * keeps the messages the bot sent (with their edits), and enforces what a bot must live with:
 * about one edit per second per chat (429 with `retry_after`), "message is not modified", the
 * 20 MB download limit of getFile and the 50 MB upload limit. getUpdates long-polls; once
 * setWebhook is called, updates are POSTed to the webhook instead, with the secret token header.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BotCommand, Message, Update, UserFromGetMe } from 'grammy/types';
import { multipartBoundary } from '../../src/engine/multipart.ts';
import { type FormPart, parseMultipart, readLimited, sha256 } from './telegram-multipart.ts';

export const MB = 1024 * 1024;

export interface TelegramError {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export const tooManyRequests = (seconds: number): TelegramError => ({
  error_code: 429,
  description: `Too Many Requests: retry after ${seconds}`,
  parameters: { retry_after: seconds },
});

export const notModified = (): TelegramError => ({
  error_code: 400,
  description:
    'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
});

const badRequest = (what: string): TelegramError => ({
  error_code: 400,
  description: `Bad Request: ${what}`,
});

export interface UploadedFile {
  field: string;
  filename: string | undefined;
  size: number;
  sha256: string;
}

/** One call the bot made, recorded on arrival; `answer` is filled in once answered. */
export interface TelegramCall {
  method: string;
  /** JSON body, form fields or query; multipart field values stay strings, as sent. */
  params: Record<string, unknown>;
  files: UploadedFile[];
  headers: Record<string, string | string[] | undefined>;
  at: number;
  answer?: { ok: boolean; errorCode?: number; description?: string };
}

/** A message the bot sent, as it reads now, with its edit history. */
export interface SentMessage {
  chatId: number;
  messageId: number;
  text?: string;
  caption?: string;
  video?: UploadedFile & { supportsStreaming: boolean; url?: string };
  replyMarkup?: unknown;
  edits: Array<{ text: string; at: number }>;
  at: number;
}

interface StoredFile {
  fileId: string;
  uniqueId: string;
  size: number;
  path: string;
  bytes: Buffer | undefined;
}

export interface FakeFile {
  file_id: string;
  file_unique_id: string;
  file_size: number;
}

type Answer = { ok: true; result: unknown } | ({ ok: false } & TelegramError);

export async function startFakeTelegram(options: { token?: string } = {}): Promise<FakeTelegram> {
  const fake = new FakeTelegram(options.token ?? `123456:${'A1b2C3d4E5'.repeat(3)}xYz_-`);
  await fake.listen();
  return fake;
}

export class FakeTelegram {
  /** The `apiRoot` to give grammY. */
  url = '';
  readonly token: string;
  readonly me: UserFromGetMe = {
    id: 7_000_001,
    is_bot: true,
    first_name: 'Nemo Test',
    username: 'nemo_test_bot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
  readonly calls: TelegramCall[] = [];
  readonly sent: SentMessage[] = [];
  /** setMyCommands by language code ('' for the default). */
  readonly commands = new Map<string, BotCommand[]>();
  webhook: { url: string; secretToken: string | undefined } | undefined;
  /** Answers of the webhook to each POSTed update. */
  readonly webhookDeliveries: Array<{ updateId: number; status: number }> = [];
  /** Least time between two accepted edits in one chat. */
  editIntervalMs = 1_000;
  maxDownloadBytes = 20 * MB;
  maxUploadBytes = 50 * MB;
  /** 429s given because edits came too fast (not counting scripted faults). */
  rateLimited = 0;

  readonly #queue: Update[] = [];
  #nextUpdateId = 500_000;
  #nextMessageId = 900_000;
  #nextFile = 1;
  readonly #files = new Map<string, StoredFile>();
  readonly #faults = new Map<string, Array<{ error: TelegramError; times: number }>>();
  readonly #lastEdit = new Map<number, number>();
  readonly #pollers = new Set<() => void>();
  #webhookChain: Promise<void> = Promise.resolve();
  readonly #server = createServer((req, res) => void this.#handle(req, res));

  constructor(token: string) {
    this.token = token;
  }

  async listen(): Promise<void> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const wake of this.#pollers) wake();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
    await this.#webhookChain;
  }

  // ---- what tests do ----

  /** Queues an update (the id is assigned here) for getUpdates, or POSTs it to the webhook. */
  pushUpdate(update: Omit<Update, 'update_id'>): number {
    const full = { ...update, update_id: this.#nextUpdateId++ } as Update;
    if (this.webhook) {
      const { url, secretToken } = this.webhook;
      this.#webhookChain = this.#webhookChain.then(() => this.#deliver(url, secretToken, full));
    } else {
      this.#queue.push(full);
      for (const wake of this.#pollers) wake();
    }
    return full.update_id;
  }

  /** Registers a file the bot may getFile and download; `bytes` may be left out for a size-only file. */
  addFile(file: { bytes?: Buffer; size?: number; path?: string }): FakeFile {
    const number = this.#nextFile++;
    const stored: StoredFile = {
      fileId: `AgACAgIAAxkBAAI${number}_fileid`,
      uniqueId: `AQAD${number}u`,
      size: file.bytes?.length ?? file.size ?? 0,
      path: file.path ?? `documents/file_${number}`,
      bytes: file.bytes,
    };
    this.#files.set(stored.fileId, stored);
    return { file_id: stored.fileId, file_unique_id: stored.uniqueId, file_size: stored.size };
  }

  /** The next `times` calls of `method` are answered with `error`. */
  failNext(method: string, error: TelegramError, times = 1): void {
    const queue = this.#faults.get(method) ?? [];
    queue.push({ error, times });
    this.#faults.set(method, queue);
  }

  callsTo(method: string): TelegramCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  sentTo(chatId: number): SentMessage[] {
    return this.sent.filter((message) => message.chatId === chatId);
  }

  /** What the chat shows from the bot now: texts as last edited, and video captions. */
  textsTo(chatId: number): string[] {
    return this.sentTo(chatId).flatMap((message) => message.text ?? message.caption ?? []);
  }

  /** A message the bot sent, as a Bot API Message (for replies and button presses). */
  messageObject(sent: SentMessage): Message {
    return {
      message_id: sent.messageId,
      date: Math.floor(sent.at / 1000),
      chat: chatOf(sent.chatId),
      from: this.me,
      ...(sent.text !== undefined ? { text: sent.text } : {}),
      ...(sent.caption !== undefined ? { caption: sent.caption } : {}),
      ...(sent.replyMarkup ? { reply_markup: sent.replyMarkup } : {}),
    } as Message;
  }

  // ---- HTTP ----

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://fake');
      const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
      if (file) return this.#download(res, file[1] as string, decodeURI(file[2] as string));
      const api = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
      if (!api) return answer(res, { ok: false, error_code: 404, description: 'Not Found' });
      await this.#call(req, res, url, api[1] as string, api[2] as string);
    } catch (error) {
      if (!res.headersSent) answer(res, { ok: false, ...badRequest(`fake crashed: ${String(error)}`) });
    }
  }

  async #call(req: IncomingMessage, res: ServerResponse, url: URL, token: string, method: string) {
    const call: TelegramCall = {
      method,
      params: Object.fromEntries(url.searchParams),
      files: [],
      headers: req.headers,
      at: Date.now(),
    };
    this.calls.push(call);
    const contentType = req.headers['content-type'] ?? '';
    // Like the Bot API's front end, a body over the upload limit is refused whole.
    const read = await readLimited(req, this.maxUploadBytes);
    let parts: FormPart[] = [];
    const respond = (result: Answer) => {
      call.answer = result.ok
        ? { ok: true }
        : { ok: false, errorCode: result.error_code, description: result.description };
      answer(res, result);
    };
    if (read.body === undefined) {
      return respond({ ok: false, error_code: 413, description: 'Request Entity Too Large' });
    }
    const boundary = multipartBoundary(contentType);
    if (boundary) {
      parts = parseMultipart(read.body, boundary);
      for (const part of parts) {
        if (part.filename === undefined) call.params[part.name] = part.data.toString('utf8');
        else
          call.files.push({
            field: part.name,
            filename: part.filename,
            size: part.data.length,
            sha256: sha256(part.data),
          });
      }
    } else if (read.body.length > 0 && contentType.includes('json')) {
      Object.assign(call.params, JSON.parse(read.body.toString('utf8')));
    } else if (read.body.length > 0) {
      Object.assign(call.params, Object.fromEntries(new URLSearchParams(read.body.toString('utf8'))));
    }

    if (token !== this.token) return respond({ ok: false, error_code: 401, description: 'Unauthorized' });
    const fault = this.#takeFault(method);
    if (fault) return respond({ ok: false, ...fault });
    const signal = abortedWhenGone(res);
    respond(await this.#method(method, call, parts, signal));
  }

  async #method(method: string, call: TelegramCall, parts: FormPart[], signal: AbortSignal): Promise<Answer> {
    const p = call.params;
    switch (method) {
      case 'getMe':
        return ok(this.me);
      case 'getUpdates':
        return this.#getUpdates(p, signal);
      case 'sendMessage':
        return this.#sendMessage(p);
      case 'editMessageText':
        return this.#editMessageText(p);
      case 'sendVideo':
        return this.#sendVideo(call, parts);
      case 'getFile':
        return this.#getFile(p);
      case 'setMyCommands':
        this.commands.set(String(languageCodeOf(p) ?? ''), parseField(p.commands) as BotCommand[]);
        return ok(true);
      case 'getMyCommands':
        return ok(this.commands.get(String(languageCodeOf(p) ?? '')) ?? []);
      case 'setWebhook':
        this.webhook = { url: String(p.url), secretToken: p.secret_token as string | undefined };
        return ok(true);
      case 'deleteWebhook':
        this.webhook = undefined;
        return ok(true);
      case 'getWebhookInfo':
        return ok({ url: this.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: 0 });
      case 'answerCallbackQuery':
      case 'sendChatAction':
        return ok(true);
      default:
        return { ok: false, error_code: 404, description: 'Not Found: method not found' };
    }
  }

  // ---- methods ----

  async #getUpdates(p: Record<string, unknown>, signal: AbortSignal): Promise<Answer> {
    if (this.webhook) {
      return {
        ok: false,
        error_code: 409,
        description:
          "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      };
    }
    const offset = Number(p.offset ?? 0);
    const limit = Number(p.limit ?? 100);
    const timeoutMs = Number(p.timeout ?? 0) * 1000;
    // An offset confirms every update before it: those are gone for good.
    while (this.#queue.length > 0 && (this.#queue[0] as Update).update_id < offset) this.#queue.shift();
    if (this.#queue.length === 0 && timeoutMs > 0 && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#pollers.delete(wake);
          signal.removeEventListener('abort', wake);
          resolve();
        };
        const timer = setTimeout(wake, timeoutMs);
        this.#pollers.add(wake);
        signal.addEventListener('abort', wake);
      });
    }
    return ok(this.#queue.slice(0, limit));
  }

  #sendMessage(p: Record<string, unknown>): Answer {
    const text = typeof p.text === 'string' ? p.text : '';
    if (!text.trim()) return { ok: false, ...badRequest('message text is empty') };
    if (text.length > 4096) return { ok: false, ...badRequest('message is too long') };
    const sent = this.#record(Number(p.chat_id), { text, replyMarkup: parseField(p.reply_markup) });
    return ok(this.messageObject(sent));
  }

  #editMessageText(p: Record<string, unknown>): Answer {
    const chatId = Number(p.chat_id);
    const sent = this.sent.find(
      (message) => message.chatId === chatId && message.messageId === Number(p.message_id),
    );
    if (!sent || sent.text === undefined) return { ok: false, ...badRequest('message to edit not found') };
    const text = String(p.text ?? '');
    if (!text.trim()) return { ok: false, ...badRequest('message text is empty') };
    const markup = parseField(p.reply_markup);
    if (text === sent.text && JSON.stringify(markup) === JSON.stringify(sent.replyMarkup)) {
      return { ok: false, ...notModified() };
    }
    const now = Date.now();
    const last = this.#lastEdit.get(chatId);
    if (last !== undefined && now - last < this.editIntervalMs) {
      this.rateLimited += 1;
      return {
        ok: false,
        ...tooManyRequests(Math.max(1, Math.ceil((this.editIntervalMs - (now - last)) / 1000))),
      };
    }
    this.#lastEdit.set(chatId, now);
    sent.text = text;
    sent.replyMarkup = markup;
    sent.edits.push({ text, at: now });
    return ok(this.messageObject(sent));
  }

  #sendVideo(call: TelegramCall, parts: FormPart[]): Answer {
    const p = call.params;
    const reference = typeof p.video === 'string' ? p.video : '';
    const attached = /^attach:\/\/(.+)$/.exec(reference)?.[1];
    const part = attached !== undefined ? parts.find((candidate) => candidate.name === attached) : undefined;
    if (attached !== undefined && !part)
      return { ok: false, ...badRequest('wrong file identifier/HTTP URL specified') };
    if (!part && !reference) return { ok: false, ...badRequest('there is no video in the request') };
    const video = {
      field: 'video',
      filename: part?.filename,
      size: part?.data.length ?? 0,
      sha256: part ? sha256(part.data) : '',
      supportsStreaming: String(p.supports_streaming) === 'true',
      ...(part ? {} : { url: reference }),
    };
    const caption = typeof p.caption === 'string' ? p.caption : undefined;
    if (caption !== undefined && caption.length > 1024)
      return { ok: false, ...badRequest('message caption is too long') };
    const sent = this.#record(Number(p.chat_id), { caption, video, replyMarkup: parseField(p.reply_markup) });
    return ok({
      ...this.messageObject(sent),
      video: {
        file_id: `video_${sent.messageId}`,
        file_unique_id: `v${sent.messageId}`,
        width: 1920,
        height: 1080,
        duration: 10,
        file_size: video.size,
      },
    });
  }

  #getFile(p: Record<string, unknown>): Answer {
    const file = this.#files.get(String(p.file_id));
    if (!file) return { ok: false, ...badRequest('invalid file_id') };
    if (file.size > this.maxDownloadBytes) return { ok: false, ...badRequest('file is too big') };
    return ok({
      file_id: file.fileId,
      file_unique_id: file.uniqueId,
      file_size: file.size,
      file_path: file.path,
    });
  }

  #download(res: ServerResponse, token: string, path: string): void {
    const file = [...this.#files.values()].find((candidate) => candidate.path === path);
    if (token !== this.token) {
      answer(res, { ok: false, error_code: 401, description: 'Unauthorized' });
    } else if (!file?.bytes) {
      answer(res, { ok: false, error_code: 404, description: 'Not Found' });
    } else {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.bytes.length });
      res.end(file.bytes);
    }
  }

  // ---- helpers ----

  #record(chatId: number, content: Partial<SentMessage>): SentMessage {
    const sent: SentMessage = {
      chatId,
      messageId: this.#nextMessageId++,
      edits: [],
      at: Date.now(),
      ...content,
    };
    if (sent.replyMarkup === undefined) delete sent.replyMarkup;
    this.sent.push(sent);
    return sent;
  }

  #takeFault(method: string): TelegramError | undefined {
    const queue = this.#faults.get(method);
    const head = queue?.[0];
    if (!head) return undefined;
    head.times -= 1;
    if (head.times <= 0) queue?.shift();
    return head.error;
  }

  async #deliver(url: string, secretToken: string | undefined, update: Update): Promise<void> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(secretToken ? { 'x-telegram-bot-api-secret-token': secretToken } : {}),
        },
        body: JSON.stringify(update),
      });
      await response.arrayBuffer();
      this.webhookDeliveries.push({ updateId: update.update_id, status: response.status });
    } catch {
      this.webhookDeliveries.push({ updateId: update.update_id, status: 0 });
    }
  }
}

function ok(result: unknown): Answer {
  return { ok: true, result };
}

function answer(res: ServerResponse, body: Answer): void {
  const status = body.ok ? 200 : body.error_code;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function abortedWhenGone(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => controller.abort());
  return controller.signal;
}

/** Multipart fields arrive as strings; JSON bodies as values. */
function parseField(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function languageCodeOf(p: Record<string, unknown>): unknown {
  return p.language_code;
}

/** Telegram's chat ids: users positive, groups and channels negative. */
export function chatOf(chatId: number): Message['chat'] {
  return chatId < 0
    ? { id: chatId, type: 'supergroup', title: 'Video club' }
    : { id: chatId, type: 'private', first_name: 'Person' };
}
