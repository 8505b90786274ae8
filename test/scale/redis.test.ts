/**
 * Scale-out on one Redis: several bot processes share sessions and render jobs through @keyv/redis.
 *
 * A Debian redis-server is started on 127.0.0.1 (free port, no persistence, temporary directory),
 * the fake NemoVideo runs in this process, and the bots are console adapters in their own OS
 * processes, all on the same console channel. Leases are 1 s here (STORE_LEASE_SECONDS), so a dead
 * process's channel is free after a second and pending renders are swept every two.
 *
 * The last tests run two runtimes in this process instead, where interleavings can be forced.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handleTurn } from '../../commands/index.ts';
import type { Conversation } from '../../src/core/conversation.ts';
import { messages } from '../../src/core/messages.ts';
import { openStore, type Store } from '../../src/store.ts';
import { type FakeNemo, startFakeNemo } from '../fakes/nemo-server.ts';
import { conversationFor, turn } from '../support/core.ts';
import { RecordingSurface } from '../support/recording-surface.ts';
import { BotProcess } from './bot-process.ts';
import { type RedisServer, redisMissingMessage, redisServerPath, startRedisServer } from './redis-server.ts';

const en = messages('en');
const reply = 'Sure! I made a 5-second clip from your photos.';
const channel = 'console:shared';
const leaseSeconds = 1;
const slow = 60_000;

if (!redisServerPath) console.warn(`test/scale/redis.test.ts: ${redisMissingMessage}`);

describe.skipIf(!redisServerPath)('two bot processes on one Redis', () => {
  let redis: RedisServer;
  let fake: FakeNemo;
  let workDir: string;
  let token: string;
  let db = 0;
  let bots: BotProcess[] = [];
  const stores: Store[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(async () => {
    fake = await startFakeNemo();
    token = fake.issueToken();
    workDir = mkdtempSync(join(tmpdir(), 'nemo-scale-'));
    db += 1;
  });
  afterEach(async () => {
    await Promise.all(bots.map((bot) => bot.kill()));
    bots = [];
    for (const store of stores.splice(0)) await store.disconnect().catch(() => {});
    await fake.close();
  });

  function bot(name: string): BotProcess {
    const started = new BotProcess(name, workDir, {
      NEMO_API_URL: fake.url,
      NEMO_TOKEN: token,
      STORE_URL: redis.url(db),
      STORE_LEASE_SECONDS: String(leaseSeconds),
      CONSOLE_CHANNEL: 'shared',
      RENDER_POLL_INTERVAL_SECONDS: '0.05',
      PROGRESS_INTERVAL_SECONDS: '0.5',
      LOG_LEVEL: 'debug',
    });
    bots.push(started);
    return started;
  }

  async function store(): Promise<Store> {
    const opened = await openStore(redis.url(db));
    stores.push(opened);
    return opened;
  }

  /**
   * A render of the shared channel left pending by a process that was SIGKILLed mid-render;
   * resolves with the time of the kill.
   */
  async function renderPendingInKilledProcess(name: string): Promise<number> {
    const doomed = bot(name);
    doomed.send('make a clip');
    await doomed.waitForLine(reply);
    fake.render = { ...fake.render, statuses: ['processing'] };
    doomed.send('/export');
    await doomed.until(() => fake.requestsTo('renderStatus').length >= 2, 'render polls');
    const killedAt = Date.now();
    await doomed.kill();
    expect(doomed.videoUrls()).toHaveLength(0);
    // NemoVideo finishes the render about 40 polls (2 s) later: whoever follows it holds the
    // channel that long, while the other process looks at the same pending job.
    for (const render of fake.renders.values()) {
      const statuses = [...Array<'processing'>(render.polls + 40).fill('processing'), 'completed' as const];
      render.plan = { ...render.plan, statuses };
    }
    return killedAt;
  }

  it(
    'shares the session: a turn in process A and the next in process B continue one NemoVideo session',
    async () => {
      const a = bot('A');
      const b = bot('B');
      await Promise.all([a.ready(), b.ready()]);
      a.send('make a clip');
      await a.waitForLine(reply);
      await a.until(() => a.count(/^✅ Done in/) === 1, 'the end of the turn');
      b.send('add a title');
      await b.waitForLine(reply);
      b.send('/status');
      await b.until(() => b.stdout.includes('photo clip'), "B's /status showing A's timeline");

      expect(fake.requestsTo('createSession')).toHaveLength(1);
      const sessionIds = fake
        .requestsTo('chat')
        .map((request) => (request.json as { session_id: string }).session_id);
      expect(sessionIds).toHaveLength(2);
      expect(new Set(sessionIds).size).toBe(1);
      expect(await (await store()).get(`session:${channel}`)).toMatchObject({ sessionId: sessionIds[0] });
      expect(await a.end()).toBe(0);
      expect(await b.end()).toBe(0);
    },
    slow,
  );

  it(
    'answers busy in process B while A streams in the channel, and frees the channel when A dies',
    async () => {
      const a = bot('A');
      const b = bot('B');
      await Promise.all([a.ready(), b.ready()]);
      fake.queueChat({ steps: [{ hang: true }] });
      a.send('make a long clip');
      await a.until(() => fake.requestsTo('chat').length === 1, 'the stream to start');
      // Well past one lease: A keeps renewing it while its stream hangs.
      await sleep(2.5 * leaseSeconds * 1000);
      b.send('add a title');
      await b.waitForLine(en.busy);
      b.send('/new');
      await b.waitForLine(en.busy, 2);
      expect(fake.requestsTo('chat')).toHaveLength(1);
      expect(b.count(en.newProject)).toBe(0);

      const killedAt = Date.now();
      await a.kill();
      // A crashed process blocks the channel for one lease at most.
      let tries = 0;
      while (b.count(reply) === 0) {
        tries += 1;
        b.send('add a title');
        await b.until(() => b.count(en.busy) + b.count(reply) >= 2 + tries, 'an answer');
        if (b.count(reply) === 0) await sleep(100);
      }
      const freedAfterMs = Date.now() - killedAt;
      console.info(`scale: channel free ${freedAfterMs} ms after SIGKILL (lease ${leaseSeconds} s)`);
      expect(freedAfterMs).toBeLessThan(leaseSeconds * 1000 + 2_000);
      expect(fake.requestsTo('chat')).toHaveLength(2);
      expect(await b.end()).toBe(0);
    },
    slow,
  );

  it(
    'delivers a render pending in a SIGKILLed process exactly once, from the surviving process',
    async () => {
      const b = bot('B');
      await b.ready();
      const killedAt = await renderPendingInKilledProcess('A');
      await b.until(() => b.videoUrls().length >= 1, 'the video', 20_000);
      const deliveredAfterMs = Date.now() - killedAt;
      console.info(`scale: render delivered by B ${deliveredAfterMs} ms after A was killed`);
      // Another sweep of B: nothing is delivered again.
      await sleep(2 * leaseSeconds * 1000 + 500);
      expect(await b.end()).toBe(0);

      const deliveries = bots.flatMap((process) => process.videoUrls());
      expect(deliveries).toHaveLength(1);
      expect(b.count(en.videoReady)).toBe(1);
      expect(fake.requestsTo('renderSubmit')).toHaveLength(1);
      expect(fake.requestsTo('renderCancel')).toHaveLength(0);
      const shared = await store();
      expect(await shared.get('render-jobs')).toEqual([]);
      expect(await shared.get(`render-job:${channel}`)).toBeUndefined();
    },
    slow,
  );

  it(
    'when two live processes both try to resume the same render, exactly one delivers it',
    async () => {
      await renderPendingInKilledProcess('P');
      // The dead process's lease has run out: both newcomers race for the job at start-up.
      await sleep(leaseSeconds * 1000 + 200);
      const a = bot('A');
      const b = bot('B');
      await Promise.all([a.ready(), b.ready()]);
      await a.until(() => a.videoUrls().length + b.videoUrls().length >= 1, 'the video', 20_000);
      // Both sweep again before they stop.
      await sleep(2 * leaseSeconds * 1000 + 500);
      expect(await a.end()).toBe(0);
      expect(await b.end()).toBe(0);

      const deliveries = bots.flatMap((process) => process.videoUrls());
      expect(deliveries).toHaveLength(1);
      expect(a.count(en.videoReady) + b.count(en.videoReady)).toBe(1);
      expect(fake.requestsTo('renderSubmit')).toHaveLength(1);
      expect(await (await store()).get('render-jobs')).toEqual([]);
      // The other one did see it pending, and left it to the holder of the channel.
      const [winner, loser] = a.videoUrls().length ? [a, b] : [b, a];
      expect(winner.stderr).toContain('resuming render');
      expect(loser.stderr).toContain('pending render left to its holder');
      expect(loser.stderr).not.toContain('resuming render');
      console.info(`scale: delivered by ${winner.name}; ${loser.name} found it held and skipped it`);
    },
    slow,
  );

  describe('two runtimes in one process (forced interleavings)', () => {
    /**
     * Leaves `count` renders pending, one per channel, as a clean shutdown mid-render does. Two
     * runtimes on separate connections export at once, so both write the job index concurrently.
     */
    async function pendingRenders(count: number): Promise<string[]> {
      const writers = [await store(), await store()].map((shared) =>
        conversationFor(fake, {
          store: shared,
          nemo: { token },
          conversation: { maxConcurrentOperations: count },
        }),
      );
      const surface = new RecordingSurface();
      const channels = Array.from({ length: count }, (_, index) => `console:room-${index}`);
      const writerOf = (index: number) => (writers[index % 2] ?? writers[0])?.conversation as Conversation;
      await Promise.all(
        channels.map((room, index) =>
          handleTurn(writerOf(index), turn('make a clip', { channel: room }), surface),
        ),
      );
      fake.render = { ...fake.render, statuses: ['processing'] };
      const exports = channels.map((room, index) =>
        handleTurn(writerOf(index), turn('/export', { channel: room }), surface),
      );
      while (new Set(fake.requestsTo('renderStatus').map((request) => request.path)).size < count)
        await sleep(10);
      await Promise.all(writers.map((writer) => writer.conversation.shutdown()));
      await Promise.all(exports);
      for (const render of fake.renders.values()) render.plan = { ...render.plan, statuses: ['completed'] };
      // Not one channel lost by the concurrent index writes.
      expect([...((await (await store()).get<string[]>('render-jobs')) ?? [])].sort()).toEqual(
        [...channels].sort(),
      );
      return channels;
    }

    it(
      'delivers each of 20 pending renders exactly once when two processes resume them at the same time',
      async () => {
        const channels = await pendingRenders(20);
        const options = { nemo: { token }, conversation: { leaseTtlMs: 1_000 } };
        const a = conversationFor(fake, { store: await store(), ...options });
        const b = conversationFor(fake, { store: await store(), ...options });
        const surfaces = new Map<string, RecordingSurface[]>();
        const surfaceFor = (room: string) => {
          const surface = new RecordingSurface();
          surfaces.set(room, [...(surfaces.get(room) ?? []), surface]);
          return surface;
        };
        const [byA, byB] = await Promise.all([
          a.conversation.resumeRenders('console', surfaceFor),
          b.conversation.resumeRenders('console', surfaceFor),
        ]);
        await Promise.all([a.conversation.idle(), b.conversation.idle()]);
        expect(byA + byB).toBe(20);
        for (const room of channels) {
          const delivered = (surfaces.get(room) ?? []).flatMap((surface) => surface.videos());
          expect(delivered, room).toHaveLength(1);
        }
        expect(fake.requestsTo('renderSubmit')).toHaveLength(20);
        expect(await (await store()).get('render-jobs')).toEqual([]);
        console.info(`scale: 20 pending renders resumed at once, ${byA} by A and ${byB} by B`);
        await Promise.all([a.conversation.shutdown(), b.conversation.shutdown()]);
      },
      slow,
    );

    it(
      'does not deliver again a job it saw pending that the other process delivered meanwhile',
      async () => {
        const [room] = await pendingRenders(1);
        const options = { nemo: { token }, conversation: { leaseTtlMs: 1_000 } };
        const a = conversationFor(fake, { store: await store(), ...options });
        // B reads the pending job, then stalls until A has delivered it and let go of the channel.
        const storeB = await store();
        const aDone = Promise.withResolvers<void>();
        const read = storeB.get.bind(storeB);
        let stalled = false;
        storeB.get = (async (key: string) => {
          const value = await read(key);
          if (key === `render-job:${room}` && !stalled) {
            stalled = true;
            await aDone.promise;
          }
          return value;
        }) as typeof storeB.get;
        const b = conversationFor(fake, { store: storeB, ...options });

        const surfaceA = new RecordingSurface();
        const surfaceB = new RecordingSurface();
        const resumingB = b.conversation.resumeRenders('console', () => surfaceB);
        while (!stalled) await sleep(5);
        expect(await a.conversation.resumeRenders('console', () => surfaceA)).toBe(1);
        await a.conversation.idle();
        expect(surfaceA.videos()).toHaveLength(1);
        aDone.resolve();
        // B claims the now free channel, reads the job again, finds it delivered, and lets go.
        expect(await resumingB).toBe(0);
        await b.conversation.idle();
        expect(surfaceB.videos()).toHaveLength(0);
        expect(surfaceB.posted).toHaveLength(0);
        expect(fake.requestsTo('renderSubmit')).toHaveLength(1);
        await Promise.all([a.conversation.shutdown(), b.conversation.shutdown()]);
      },
      slow,
    );
  });
});

if (!redisServerPath) {
  describe('two bot processes on one Redis', () => {
    it.skip(redisMissingMessage, () => {});
  });
}
