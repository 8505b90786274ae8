/**
 * Channel → NemoVideo session, kept in the store so a restarted bot continues every project.
 */
import type { NemoClient, Session } from '../nemo/index.ts';
import type { Store } from '../store.ts';
import type { Language } from './seam.ts';

export interface ChannelSession extends Session {
  language: Language;
  createdAt: number;
}

const backendLanguage: Record<Language, string> = { en: 'en', zh: 'zh-CN' };

/** A task name people recognise in NemoVideo's project list: the first words of the first prompt. */
function taskNameFrom(prompt: string): string {
  const words = prompt.replace(/\s+/g, ' ').trim();
  return Array.from(words).slice(0, 40).join('') || 'project';
}

export class ChannelSessions {
  readonly #nemo: NemoClient;
  readonly #store: Store;
  /** One creation per channel at a time, so two quick turns never make two sessions. */
  readonly #creating = new Map<string, Promise<ChannelSession>>();

  constructor(nemo: NemoClient, store: Store) {
    this.#nemo = nemo;
    this.#store = store;
  }

  #key(channel: string): string {
    return `session:${channel}`;
  }

  async get(channel: string): Promise<ChannelSession | undefined> {
    return this.#store.get<ChannelSession>(this.#key(channel));
  }

  /** The channel's session, created now when it has none. */
  async ensure(
    channel: string,
    language: Language,
    prompt: string,
    platform: string,
  ): Promise<ChannelSession> {
    const existing = await this.get(channel);
    if (existing) return existing;
    return this.create(channel, language, prompt, platform);
  }

  /** A fresh session for the channel, replacing any earlier one. */
  create(channel: string, language: Language, prompt: string, platform: string): Promise<ChannelSession> {
    const pending = this.#creating.get(channel);
    if (pending) return pending;
    const creation = (async () => {
      try {
        const session = await this.#nemo.createSession(
          { taskName: taskNameFrom(prompt), language: backendLanguage[language] },
          { platform },
        );
        const record: ChannelSession = { ...session, language, createdAt: Date.now() };
        await this.#store.set(this.#key(channel), record);
        return record;
      } finally {
        this.#creating.delete(channel);
      }
    })();
    this.#creating.set(channel, creation);
    return creation;
  }

  async forget(channel: string): Promise<void> {
    await this.#store.delete(this.#key(channel));
  }
}
