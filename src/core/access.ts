/**
 * Who may use the bot, and how much: allow-lists, admins and a per-person daily request limit.
 * Admins pass every list and limit.
 */
import type { Store } from '../store.ts';
import type { Turn } from './seam.ts';

export interface AccessRules {
  allowedUsers: string[];
  allowedChats: string[];
  adminUsers: string[];
  adminCommands: string[];
  dailyRequestLimit: number;
}

export type Admission =
  | { allowed: true }
  | { allowed: false; reason: 'not_allowed' | 'admin_only' | 'daily_limit' };

/** Ids are written `platform:id` (`telegram:12345`); a bare id matches on any platform. */
function matches(list: string[], platform: string, id: string | undefined): boolean {
  return id !== undefined && (list.includes(`${platform}:${id}`) || list.includes(id));
}

export class AccessControl {
  readonly #rules: AccessRules;
  readonly #store: Store;

  constructor(rules: AccessRules, store: Store) {
    this.#rules = rules;
    this.#store = store;
  }

  isAdmin(turn: Turn): boolean {
    return matches(this.#rules.adminUsers, turn.platform, turn.person.id);
  }

  /** Whether this person may run `command` in this place at all (no quota is spent). */
  admit(turn: Turn, command: string): Admission {
    if (this.isAdmin(turn)) return { allowed: true };
    const { allowedUsers, allowedChats } = this.#rules;
    if (allowedUsers.length > 0 && !matches(allowedUsers, turn.platform, turn.person.id)) {
      return { allowed: false, reason: 'not_allowed' };
    }
    if (allowedChats.length > 0) {
      const chatId = turn.channel.slice(turn.channel.indexOf(':') + 1);
      if (
        !matches(allowedChats, turn.platform, chatId) &&
        !matches(allowedChats, turn.platform, turn.server) &&
        !matches(allowedChats, turn.platform, turn.parentChannel)
      ) {
        return { allowed: false, reason: 'not_allowed' };
      }
    }
    if (this.#rules.adminCommands.includes(command)) return { allowed: false, reason: 'admin_only' };
    return { allowed: true };
  }

  /** Counts one backend request against today's limit; false when the limit is already reached. */
  async spendDailyRequest(turn: Turn): Promise<boolean> {
    const limit = this.#rules.dailyRequestLimit;
    if (limit === 0 || this.isAdmin(turn)) return true;
    const day = new Date().toISOString().slice(0, 10);
    const key = `quota:${turn.platform}:${turn.person.id}:${day}`;
    const used = (await this.#store.get<number>(key)) ?? 0;
    if (used >= limit) return false;
    await this.#store.set(key, used + 1, 2 * 24 * 60 * 60_000);
    return true;
  }

  get dailyLimit(): number {
    return this.#rules.dailyRequestLimit;
  }
}
