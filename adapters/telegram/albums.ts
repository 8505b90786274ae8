/**
 * Albums: Telegram delivers an album as separate messages sharing a `media_group_id`, possibly
 * across several polls and with other chats' updates in between, and with the caption on
 * whichever item the person captioned. Items are buffered per chat and handed on as ONE turn once
 * no new item has come for a short while. Buffering returns at once, so no update waits for it.
 *
 * Order within a chat holds: anything else from the same chat (or a new album) first hands on the
 * album in progress.
 */
import { type Incoming, mergeAlbum } from './turns.ts';

/** Quiet time after the last item before the album is complete; items of one album come together. */
export const albumQuietMs = 800;

interface Pending {
  groupId: string;
  items: Incoming[];
  timer: NodeJS.Timeout;
}

export class AlbumBuffer {
  readonly #quietMs: number;
  readonly #onAlbum: (album: Incoming) => Promise<void>;
  readonly #pending = new Map<number, Pending>();
  /** The hand-over in progress per chat, which the chat's next update waits for. */
  readonly #handing = new Map<number, Promise<void>>();

  /** `onAlbum` should resolve once the turn has started, not when its work ends. */
  constructor(onAlbum: (album: Incoming) => Promise<void>, quietMs = albumQuietMs) {
    this.#onAlbum = onAlbum;
    this.#quietMs = quietMs;
  }

  async add(item: Incoming): Promise<void> {
    const groupId = item.mediaGroupId as string;
    const pending = this.#pending.get(item.chatId);
    if (pending && pending.groupId !== groupId) await this.flush(item.chatId);
    const current = this.#pending.get(item.chatId);
    if (current) {
      current.items.push(item);
      current.timer.refresh();
      return;
    }
    const timer = setTimeout(() => void this.flush(item.chatId), this.#quietMs);
    this.#pending.set(item.chatId, { groupId, items: [item], timer });
  }

  /** Hands on the chat's album now, if there is one; resolves when its turn has started. */
  flush(chatId: number): Promise<void> {
    const pending = this.#pending.get(chatId);
    if (pending) {
      this.#pending.delete(chatId);
      clearTimeout(pending.timer);
      const handing = this.#onAlbum(mergeAlbum(pending.items)).finally(() => {
        if (this.#handing.get(chatId) === handing) this.#handing.delete(chatId);
      });
      this.#handing.set(chatId, handing);
    }
    return this.#handing.get(chatId) ?? Promise.resolve();
  }

  /** Drops albums still being collected (at shutdown); returns how many there were. */
  stop(): number {
    const dropped = this.#pending.size;
    for (const pending of this.#pending.values()) clearTimeout(pending.timer);
    this.#pending.clear();
    return dropped;
  }
}
