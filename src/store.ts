/**
 * The bot's memory: a Keyv store chosen by `STORE_URL`.
 *
 * SQLite (a file beside the bot) is the default for one process; Redis or PostgreSQL let several
 * bot processes share sessions and render jobs. Their adapters are optional dependencies and are
 * loaded only when asked for. What those processes must not do at the same time (two operations in
 * one channel, two deliveries of one render) is settled by leases kept in the same store
 * (src/leases.ts).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Keyv from 'keyv';

export type Store = Keyv;

export class StoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StoreError';
  }
}

function sqlitePath(url: string): string {
  return url.replace(/^sqlite:\/\//, '');
}

async function openAdapter(url: string) {
  if (url.startsWith('sqlite://')) {
    const path = sqlitePath(url);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const { default: KeyvSqlite } = await import('@keyv/sqlite');
    const sqlite = new KeyvSqlite({ uri: `sqlite://${path}`, busyTimeout: 5000 });
    // Write-ahead logging with NORMAL sync: a write costs a few milliseconds instead of tens (the
    // in-flight chat record is written before every request), and it still survives a crash of
    // the process; only a power loss may drop the last writes.
    await sqlite.query('PRAGMA journal_mode=WAL');
    await sqlite.query('PRAGMA synchronous=NORMAL');
    return sqlite;
  }
  if (/^rediss?:\/\//.test(url)) {
    const { default: KeyvRedis } = await import('@keyv/redis');
    return new KeyvRedis(url);
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { default: KeyvPostgres } = await import('@keyv/postgres');
    return new KeyvPostgres({ uri: url });
  }
  throw new StoreError(`STORE_URL: unsupported store ${url.split(':')[0]}`);
}

/**
 * Opens the store and proves it can write and read back, so an unwritable or corrupt file is one
 * clear start-up error instead of a failure in the middle of someone's render.
 */
export async function openStore(url: string, namespace = 'nemovideo-bot'): Promise<Store> {
  let store: Keyv | undefined;
  try {
    const adapter = await openAdapter(url);
    store = new Keyv({ store: adapter, namespace });
    let lastError: unknown;
    store.on('error', (error) => {
      lastError = error;
    });
    const probe = `probe:${process.pid}`;
    await store.set(probe, 'ok');
    const readBack = await store.get(probe);
    await store.delete(probe);
    if (readBack !== 'ok') throw lastError ?? new Error('the value written could not be read back');
    return store;
  } catch (error) {
    await store?.disconnect().catch(() => {});
    if (error instanceof StoreError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreError(`STORE_URL: cannot use the store at ${describeStore(url)}: ${reason}`, {
      cause: error,
    });
  }
}

/** The store location without credentials, for messages. */
export function describeStore(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}
