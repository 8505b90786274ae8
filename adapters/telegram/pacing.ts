/**
 * How often a chat's messages may be edited. Telegram allows about one edit per second per chat
 * and 20 per minute in a group; past that it answers 429 and makes the chat wait. The pacer is
 * shared by every status message of a chat, so two of them cannot add up to too many.
 *
 * Gaps are measured from the end of the previous edit, so the edits also arrive at least that far
 * apart, however long each request took.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface PaceRules {
  /** Least time between two edits in one chat. */
  gapMs: number;
  /** Most edits per minute in a group chat (Telegram's group chat ids are negative). */
  groupPerMinute: number;
}

export const telegramPace: PaceRules = { gapMs: 1_000, groupPerMinute: 20 };

const minuteMs = 60_000;

interface ChatPace {
  /** When recent edits ended (the last minute's). */
  ends: number[];
  blockedUntil: number;
  editing: boolean;
}

export class EditPacer {
  readonly #rules: PaceRules;
  readonly #chats = new Map<number, ChatPace>();

  constructor(rules: PaceRules = telegramPace) {
    this.#rules = rules;
  }

  /** Milliseconds until `chatId` may be edited again (0: now). */
  delayFor(chatId: number, now = Date.now()): number {
    const pace = this.#pace(chatId, now);
    let at = Math.max(pace.blockedUntil, (pace.ends.at(-1) ?? Number.NEGATIVE_INFINITY) + this.#rules.gapMs);
    const perMinute = this.#rules.groupPerMinute;
    if (chatId < 0 && pace.ends.length >= perMinute) {
      at = Math.max(at, (pace.ends[pace.ends.length - perMinute] as number) + minuteMs);
    }
    return Math.max(0, at - now);
  }

  /** Claims the next edit of `chatId` if it may happen now; the caller then calls `done`. */
  tryStart(chatId: number): boolean {
    const pace = this.#pace(chatId, Date.now());
    if (pace.editing || this.delayFor(chatId) > 0) return false;
    pace.editing = true;
    return true;
  }

  /** Waits until `chatId` may be edited, then claims the edit; the caller then calls `done`. */
  async start(chatId: number): Promise<void> {
    while (!this.tryStart(chatId)) await sleep(Math.max(20, this.delayFor(chatId)));
  }

  /** The claimed edit ended (whatever its outcome). */
  done(chatId: number): void {
    const pace = this.#pace(chatId, Date.now());
    pace.editing = false;
    pace.ends.push(Date.now());
  }

  /** Telegram answered 429: no edits in `chatId` before `seconds` have passed. */
  block(chatId: number, seconds: number): void {
    const pace = this.#pace(chatId, Date.now());
    pace.blockedUntil = Math.max(pace.blockedUntil, Date.now() + seconds * 1000);
  }

  /** The chat's record, with edits older than a minute forgotten. */
  #pace(chatId: number, now: number): ChatPace {
    let pace = this.#chats.get(chatId);
    if (!pace) {
      if (this.#chats.size >= 1_000) this.#sweep(now);
      pace = { ends: [], blockedUntil: 0, editing: false };
      this.#chats.set(chatId, pace);
    }
    pace.ends = pace.ends.filter((end) => now - end < minuteMs);
    return pace;
  }

  /** Forgets chats with nothing to remember, so a bot in many chats keeps a small map. */
  #sweep(now: number): void {
    for (const [id, pace] of this.#chats) {
      const quiet = pace.ends.every((end) => now - end >= minuteMs) && pace.blockedUntil < now;
      if (quiet && !pace.editing) this.#chats.delete(id);
    }
  }
}
