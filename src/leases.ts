/**
 * Leases: "this key is mine for the next N ms", kept where the store keeps its data, so several bot
 * processes sharing one store agree on who runs what. A lease is renewed while its holder works and
 * simply expires when the holder dies, so a crashed process never blocks anything for longer than
 * one lease.
 *
 * - Redis: SET NX PX to claim; compare-and-PEXPIRE / compare-and-DEL (Lua) to renew and release.
 *   Atomic, and expiry uses the server's clock.
 * - PostgreSQL: one row per lease in `keyv_leases`, claimed with INSERT … ON CONFLICT DO UPDATE …
 *   WHERE expired (a single atomic statement), expiry on the database clock.
 * - SQLite and the in-memory store: leases live in this process only (SQLite is one process by
 *   design); they are shared by everything in the process that uses the same store object.
 */
import type { Store } from './store.ts';

export interface Leases {
  /** `shared`: every process using the store sees these leases; `process`: this process only. */
  readonly scope: 'shared' | 'process';
  /** Takes `key` for `owner` when nobody holds it (or the holder's lease expired). */
  claim(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Extends `owner`'s lease to `ttlMs` from now; false when it is no longer theirs. */
  renew(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `owner` still holds it; false when it was not theirs (any more). */
  release(key: string, owner: string): Promise<boolean>;
}

const cache = new WeakMap<Store, Leases>();

/** The leases that go with `store` (one instance per store object). */
export function leasesFor(store: Store): Leases {
  let leases = cache.get(store);
  if (!leases) {
    leases = createLeases(store);
    cache.set(store, leases);
  }
  return leases;
}

function createLeases(store: Store): Leases {
  const adapter: unknown = store.store;
  const prefix = `${store.namespace ?? 'keyv'}:lease:`;
  if (isRedisAdapter(adapter)) return new RedisLeases(adapter, prefix);
  if (isPostgresAdapter(adapter)) return new PostgresLeases(adapter, prefix);
  return new ProcessLeases();
}

const ttl = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs));

// ---- in-process ----

export class ProcessLeases implements Leases {
  readonly scope = 'process';
  readonly #held = new Map<string, { owner: string; expiresAt: number }>();

  async claim(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const current = this.#held.get(key);
    if (current && current.expiresAt > performance.now()) return false;
    this.#held.set(key, { owner, expiresAt: performance.now() + ttl(ttlMs) });
    return true;
  }

  async renew(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const current = this.#held.get(key);
    if (current?.owner !== owner || current.expiresAt <= performance.now()) return false;
    current.expiresAt = performance.now() + ttl(ttlMs);
    return true;
  }

  async release(key: string, owner: string): Promise<boolean> {
    const current = this.#held.get(key);
    if (current?.owner !== owner) return false;
    this.#held.delete(key);
    return current.expiresAt > performance.now();
  }
}

// ---- Redis ----

/** The commands used, from the client @keyv/redis exposes (node-redis 5). */
interface RedisCommands {
  set(
    key: string,
    value: string,
    options: { condition: 'NX'; expiration: { type: 'PX'; value: number } },
  ): Promise<string | null>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

interface RedisAdapter {
  getClient(): Promise<unknown>;
}

function isRedisAdapter(adapter: unknown): adapter is RedisAdapter {
  return typeof (adapter as RedisAdapter | undefined)?.getClient === 'function';
}

const renewScript = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

const releaseScript = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

class RedisLeases implements Leases {
  readonly scope = 'shared';
  readonly #adapter: RedisAdapter;
  readonly #prefix: string;

  constructor(adapter: RedisAdapter, prefix: string) {
    this.#adapter = adapter;
    this.#prefix = prefix;
  }

  async #client(): Promise<RedisCommands> {
    return (await this.#adapter.getClient()) as RedisCommands;
  }

  async claim(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const client = await this.#client();
    const reply = await client.set(this.#prefix + key, owner, {
      condition: 'NX',
      expiration: { type: 'PX', value: ttl(ttlMs) },
    });
    return reply === 'OK';
  }

  async renew(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const client = await this.#client();
    const reply = await client.eval(renewScript, {
      keys: [this.#prefix + key],
      arguments: [owner, String(ttl(ttlMs))],
    });
    return Number(reply) === 1;
  }

  async release(key: string, owner: string): Promise<boolean> {
    const client = await this.#client();
    const reply = await client.eval(releaseScript, { keys: [this.#prefix + key], arguments: [owner] });
    return Number(reply) === 1;
  }
}

// ---- PostgreSQL ----

interface PostgresAdapter {
  opts: { dialect?: string; schema?: string };
  query(sql: string, values?: unknown[]): Promise<unknown[]>;
}

function isPostgresAdapter(adapter: unknown): adapter is PostgresAdapter {
  const candidate = adapter as PostgresAdapter | undefined;
  return typeof candidate?.query === 'function' && candidate.opts?.dialect === 'postgres';
}

class PostgresLeases implements Leases {
  readonly scope = 'shared';
  readonly #adapter: PostgresAdapter;
  readonly #prefix: string;
  readonly #table: string;
  #ready: Promise<unknown> | undefined;

  constructor(adapter: PostgresAdapter, prefix: string) {
    this.#adapter = adapter;
    this.#prefix = prefix;
    const schema = adapter.opts.schema ?? 'public';
    this.#table = `${quoteIdentifier(schema)}.keyv_leases`;
  }

  async #query(sql: string, values: unknown[]): Promise<unknown[]> {
    const create = `CREATE TABLE IF NOT EXISTS ${this.#table} (
      key VARCHAR(512) PRIMARY KEY, owner VARCHAR(255) NOT NULL, expires_at TIMESTAMPTZ NOT NULL)`;
    // Two processes creating the table at once can make one CREATE fail; the second try sees it.
    this.#ready ??= this.#adapter
      .query(create)
      .catch(() => this.#adapter.query(create))
      .catch((error: unknown) => {
        this.#ready = undefined;
        throw error;
      });
    await this.#ready;
    return this.#adapter.query(sql, values);
  }

  async claim(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const rows = await this.#query(
      `INSERT INTO ${this.#table} AS lease (key, owner, expires_at)
       VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
       WHERE lease.expires_at <= clock_timestamp()
       RETURNING lease.owner`,
      [this.#prefix + key, owner, ttl(ttlMs)],
    );
    return rows.length === 1;
  }

  async renew(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const rows = await this.#query(
      `UPDATE ${this.#table} SET expires_at = clock_timestamp() + $3 * interval '1 millisecond'
       WHERE key = $1 AND owner = $2 AND expires_at > clock_timestamp()
       RETURNING owner`,
      [this.#prefix + key, owner, ttl(ttlMs)],
    );
    return rows.length === 1;
  }

  async release(key: string, owner: string): Promise<boolean> {
    const rows = await this.#query(
      `DELETE FROM ${this.#table} WHERE key = $1 AND owner = $2 RETURNING expires_at > clock_timestamp() AS live`,
      [this.#prefix + key, owner],
    );
    return (rows[0] as { live?: boolean } | undefined)?.live === true;
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
