/**
 * The lease primitive on every store: in-process (SQLite, memory), Redis (a real redis-server), and
 * PostgreSQL when TEST_POSTGRES_URL points at a database that may be written to.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Keyv from 'keyv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shuttingDown } from '../../src/core/render-jobs.ts';
import { ChannelLocks } from '../../src/core/slots.ts';
import { type Leases, leasesFor } from '../../src/leases.ts';
import { openStore, type Store } from '../../src/store.ts';
import { type RedisServer, redisMissingMessage, redisServerPath, startRedisServer } from './redis-server.ts';

/** The contract every kind of store must keep. `other` sees the same leases through another connection. */
function leaseContract(open: () => Promise<{ leases: Leases; other: Leases; close(): Promise<void> }>) {
  let leases: Leases;
  let other: Leases;
  let close: () => Promise<void>;
  let n = 0;
  const key = () => {
    n += 1;
    return `test-${process.pid}-${Date.now()}-${n}`;
  };

  beforeAll(async () => {
    ({ leases, other, close } = await open());
  });
  afterAll(async () => {
    await close();
  });

  it('lets one owner hold a key until it releases it', async () => {
    const k = key();
    expect(await leases.claim(k, 'a', 5_000)).toBe(true);
    expect(await other.claim(k, 'b', 5_000)).toBe(false);
    expect(await leases.claim(k, 'a', 5_000)).toBe(false);
    expect(await other.release(k, 'b')).toBe(false);
    expect(await other.claim(k, 'b', 5_000)).toBe(false);
    expect(await leases.release(k, 'a')).toBe(true);
    expect(await other.claim(k, 'b', 5_000)).toBe(true);
    expect(await other.release(k, 'b')).toBe(true);
  });

  it('renews only for the holder, and a renewed lease outlives its first term', async () => {
    const k = key();
    expect(await leases.claim(k, 'a', 300)).toBe(true);
    expect(await other.renew(k, 'b', 5_000)).toBe(false);
    await sleep(150);
    expect(await leases.renew(k, 'a', 600)).toBe(true);
    await sleep(300);
    expect(await other.claim(k, 'b', 5_000)).toBe(false);
    await leases.release(k, 'a');
  });

  it('expires when the holder stops renewing, and the old holder cannot renew it back', async () => {
    const k = key();
    expect(await leases.claim(k, 'a', 150)).toBe(true);
    await sleep(400);
    expect(await other.claim(k, 'b', 5_000)).toBe(true);
    expect(await leases.renew(k, 'a', 5_000)).toBe(false);
    expect(await leases.release(k, 'a')).toBe(false);
    expect(await other.renew(k, 'b', 5_000)).toBe(true);
    await other.release(k, 'b');
  });

  it('gives a contested key to exactly one of many simultaneous claimants', async () => {
    const k = key();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        (index % 2 ? leases : other).claim(k, `owner-${index}`, 5_000),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });
}

describe('leases in one process (SQLite)', () => {
  leaseContract(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nemo-leases-'));
    const store = await openStore(`sqlite://${join(dir, 'bot.sqlite')}`);
    const leases = leasesFor(store);
    expect(leases.scope).toBe('process');
    // The same store object gives the same leases: everything in the process shares them.
    expect(leasesFor(store)).toBe(leases);
    return { leases, other: leasesFor(store), close: () => store.disconnect() };
  });
});

describe('leases in one process (memory store)', () => {
  leaseContract(async () => {
    const store = new Keyv();
    return { leases: leasesFor(store), other: leasesFor(store), close: async () => {} };
  });
});

describe.skipIf(!redisServerPath)('leases on Redis', () => {
  let redis: RedisServer;
  const stores: Store[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const store of stores) await store.disconnect();
    await redis?.stop();
  });

  describe('contract', () => {
    leaseContract(async () => {
      // Two connections, as two bot processes would have.
      const first = await openStore(redis.url(1));
      const second = await openStore(redis.url(1));
      stores.push(first, second);
      const leases = leasesFor(first);
      expect(leases.scope).toBe('shared');
      return { leases, other: leasesFor(second), close: async () => {} };
    });
  });

  it('keeps leases beside the store namespace, not in it', async () => {
    const store = await openStore(redis.url(2), 'bot-a');
    stores.push(store);
    await leasesFor(store).claim('channel:x', 'me', 5_000);
    // Keyv's own keys are untouched: the lease is not a value of the store.
    expect(await store.get('lease:channel:x')).toBeUndefined();
    const sameNamespace = await openStore(redis.url(2), 'bot-a');
    const otherNamespace = await openStore(redis.url(2), 'bot-b');
    stores.push(sameNamespace, otherNamespace);
    expect(await leasesFor(sameNamespace).claim('channel:x', 'you', 5_000)).toBe(false);
    expect(await leasesFor(otherNamespace).claim('channel:x', 'you', 5_000)).toBe(true);
  });

  it('makes a channel busy for a second process until the first releases it', async () => {
    const first = await openStore(redis.url(3));
    const second = await openStore(redis.url(3));
    stores.push(first, second);
    const locksA = new ChannelLocks({ leases: leasesFor(first), leaseTtlMs: 300 });
    const locksB = new ChannelLocks({ leases: leasesFor(second), leaseTtlMs: 300 });
    const held = await locksA.claim('console:x');
    expect(held).toBeDefined();
    expect(await locksA.claim('console:x')).toBeUndefined();
    expect(await locksB.claim('console:x')).toBeUndefined();
    // Renewed while it runs: still held well past one lease.
    await sleep(900);
    expect(await locksB.claim('console:x')).toBeUndefined();
    expect(await held?.confirm()).toBe(true);
    if (held) await locksA.release('console:x', held);
    const taken = await locksB.claim('console:x');
    expect(taken).toBeDefined();
    if (taken) await locksB.release('console:x', taken);
  });

  it('hands an operation over, as at a shutdown, once its lease was lost', async () => {
    const first = await openStore(redis.url(4));
    const second = await openStore(redis.url(4));
    stores.push(first, second);
    const locks = new ChannelLocks({ leases: leasesFor(first), leaseTtlMs: 200 });
    const held = await locks.claim('console:y');
    if (!held) throw new Error('not claimed');
    // Someone removes the lease behind our back (as expiry during a long store outage would) and
    // another process claims the channel.
    const client = await (
      first.store as { getClient(): Promise<{ flushDb(): Promise<unknown> }> }
    ).getClient();
    await client.flushDb();
    expect(await leasesFor(second).claim('channel:console:y', 'other', 5_000)).toBe(true);
    expect(await held.confirm()).toBe(false);
    expect(held.controller.signal.reason).toBe(shuttingDown);
    await locks.release('console:y', held);
    // Its release leaves the new holder's lease alone.
    expect(await leasesFor(second).renew('channel:console:y', 'other', 5_000)).toBe(true);
  });
});

if (!redisServerPath) {
  describe('leases on Redis', () => {
    it.skip(redisMissingMessage, () => {});
  });
  console.warn(`test/scale/leases.test.ts: ${redisMissingMessage}`);
}

describe.skipIf(!process.env.TEST_POSTGRES_URL)('leases on PostgreSQL (TEST_POSTGRES_URL)', () => {
  leaseContract(async () => {
    const url = process.env.TEST_POSTGRES_URL ?? '';
    const first = await openStore(url);
    const second = await openStore(url, 'nemovideo-bot');
    const leases = leasesFor(first);
    expect(leases.scope).toBe('shared');
    return {
      leases,
      other: leasesFor(second),
      close: async () => {
        await first.disconnect();
        await second.disconnect().catch(() => {});
      },
    };
  });
});
