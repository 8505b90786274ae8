/**
 * Which token the bot uses, and where its client id lives.
 *
 * A configured `NEMO_TOKEN` is used as is. Without one, the bot asks for an anonymous token. The
 * client id behind it is generated once and persisted: a new id per request would burn the
 * per-IP quota of ten tokens a week. The token itself is persisted with its expiry, reused across
 * restarts, and renewed shortly before it expires or when the service rejects it.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store.ts';

export interface AnonymousToken {
  token: string;
  userId: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export type TokenKind = 'configured' | 'anonymous';

export interface TokenProviderOptions {
  store: Store;
  /** Storage keys are scoped to the backend, so switching NEMO_API_URL never reuses a foreign token. */
  scope: string;
  configuredToken?: string | undefined;
  configuredClientId?: string | undefined;
  /** Asks the service for a token; the transport sends our client id with it. */
  requestAnonymousToken: () => Promise<AnonymousToken>;
  /** Renew this long before expiry, so a token never dies in the middle of a 15-minute stream. */
  renewBeforeMs?: number;
  now?: () => number;
}

export class TokenProvider {
  readonly kind: TokenKind;
  readonly #options: TokenProviderOptions;
  readonly #renewBeforeMs: number;
  readonly #now: () => number;
  #current: AnonymousToken | undefined;
  #pending: Promise<string> | undefined;

  constructor(options: TokenProviderOptions) {
    this.#options = options;
    this.kind = options.configuredToken ? 'configured' : 'anonymous';
    this.#renewBeforeMs = options.renewBeforeMs ?? 60 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  get #tokenKey() {
    return `nemo:anonymous-token:${this.#options.scope}`;
  }

  get #clientIdKey() {
    return `nemo:client-id:${this.#options.scope}`;
  }

  /** The client id: configured, persisted, or created and persisted now. */
  async clientId(): Promise<string> {
    if (this.#options.configuredClientId) return this.#options.configuredClientId;
    const stored = await this.#options.store.get<string>(this.#clientIdKey);
    if (stored) return stored;
    return this.renewClientId();
  }

  /** Replaces the persisted client id; used only when the service says ours is missing or bad. */
  async renewClientId(): Promise<string> {
    const id = randomUUID();
    await this.#options.store.set(this.#clientIdKey, id);
    return id;
  }

  /** A token that is valid for at least `renewBeforeMs` more, as far as we know. */
  async token(): Promise<string> {
    if (this.#options.configuredToken) return this.#options.configuredToken;
    this.#current ??= await this.#options.store.get<AnonymousToken>(this.#tokenKey);
    if (this.#current && this.#current.expiresAt - this.#renewBeforeMs > this.#now())
      return this.#current.token;
    return this.#renew();
  }

  /**
   * Called when the service rejected `rejected`. Returns a fresh token, or undefined when there is
   * nothing to renew (a configured token is the admin's to fix).
   */
  async renewAfterRejection(rejected: string): Promise<string | undefined> {
    if (this.kind === 'configured') return undefined;
    // Another request may already have renewed it.
    if (this.#current && this.#current.token !== rejected) return this.#current.token;
    return this.#renew();
  }

  /** One renewal at a time: concurrent requests share it instead of each burning quota. */
  #renew(): Promise<string> {
    this.#pending ??= (async () => {
      try {
        const fresh = await this.#options.requestAnonymousToken();
        this.#current = fresh;
        await this.#options.store.set(this.#tokenKey, fresh);
        return fresh.token;
      } finally {
        this.#pending = undefined;
      }
    })();
    return this.#pending;
  }
}
