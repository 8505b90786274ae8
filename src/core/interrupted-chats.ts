/**
 * Chats in flight, kept in the store: one record per channel from the moment a request is about to
 * go to NemoVideo until its stream has ended. A bot killed in between (SIGKILL, a crash, a power
 * cut) finds the record at its next start, so the request is reported instead of silently dropped:
 * the project is read and what changed is described, or the person hears that the result could
 * not be confirmed. The request itself is never sent again (NemoVideo may have acted on it).
 *
 * A graceful stop keeps the record too: the person was told the bot is restarting, and the next
 * start tells them what became of the request.
 */
import type { Store } from '../store.ts';
import type { Language, Platform } from './seam.ts';

export interface ChatInFlight {
  channel: string;
  platform: Platform;
  language: Language;
  taskId: string;
  sessionId: string;
  /** What the person asked, to name the request in the report. */
  prompt: string;
  /** The project's draft before the request; null when it could not be read. */
  draftBefore: unknown;
  startedAt: number;
}

const indexKey = 'chats-in-flight';
const recordKey = (channel: string) => `chat-in-flight:${channel}`;

/** How much of the prompt the report quotes. */
const quoteLimit = 80;

/** The prompt as the report quotes it: one line, cut at a character boundary. */
export function quotePrompt(prompt: string): string {
  const line = prompt.replace(/\s+/g, ' ').trim();
  const characters = Array.from(line);
  return characters.length > quoteLimit ? `${characters.slice(0, quoteLimit - 1).join('')}…` : line;
}

export class InterruptedChats {
  readonly #store: Store;
  /**
   * Channels this process has put in the index. Their entries stay after a chat ends, so a
   * channel's next chat costs one write; entries without a record are dropped at the next start.
   */
  readonly #indexed = new Set<string>();
  /** Serializes read-modify-write of the index within this process. */
  #indexWrite: Promise<unknown> = Promise.resolve();

  constructor(store: Store) {
    this.#store = store;
  }

  /** Records a chat about to be sent; resolves once the record is stored. */
  async begin(record: ChatInFlight): Promise<void> {
    // The index first: a record the index does not name would never be found again.
    if (!this.#indexed.has(record.channel)) {
      this.#indexed.add(record.channel);
      try {
        await this.#updateIndex((channels) =>
          channels.includes(record.channel) ? channels : [...channels, record.channel],
        );
      } catch (error) {
        this.#indexed.delete(record.channel);
        throw error;
      }
    }
    await this.#store.set(recordKey(record.channel), record);
  }

  /** The chat's stream has ended, whatever its outcome: there is nothing left to report. */
  async end(channel: string): Promise<void> {
    await this.#store.delete(recordKey(channel));
  }

  /** The channel's record as stored now (read again once the channel is claimed). */
  get(channel: string): Promise<ChatInFlight | undefined> {
    return this.#store.get<ChatInFlight>(recordKey(channel));
  }

  /** Chats a previous run left in flight; index entries without a record are dropped. */
  async pending(): Promise<ChatInFlight[]> {
    const channels = (await this.#store.get<string[]>(indexKey)) ?? [];
    const records = await Promise.all(channels.map((channel) => this.get(channel)));
    const stale = channels.filter((channel, index) => !records[index] && !this.#indexed.has(channel));
    if (stale.length > 0) {
      await this.#updateIndex((current) =>
        current.filter((channel) => !stale.includes(channel) || this.#indexed.has(channel)),
      );
    }
    return records.filter((record): record is ChatInFlight => record !== undefined);
  }

  #updateIndex(change: (channels: string[]) => string[]): Promise<unknown> {
    const store = this.#store;
    this.#indexWrite = this.#indexWrite
      .catch(() => {})
      .then(async () => {
        await store.set(indexKey, change((await store.get<string[]>(indexKey)) ?? []));
      });
    return this.#indexWrite;
  }
}
