/**
 * A store the bot cannot use stops it at start with one clear line naming STORE_URL, a non-zero
 * exit and no stack trace, and leaves the file exactly as it found it (no journal, no repair, no
 * half-written table). The console adapter runs as a real process.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store.ts';
import { type FakeNemo, startFakeNemo } from '../fakes/nemo-server.ts';
import { quickClocks, startConsole } from '../support/console-process.ts';

let fake: FakeNemo;
beforeAll(async () => {
  fake = await startFakeNemo();
});
afterAll(async () => {
  await fake.close();
});

/** A folder's files and their bytes, to compare before and after. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const path = join(entry.parentPath, entry.name);
        return [path, readFileSync(path).toString('base64')];
      }),
  );
}

/** A real bot database with some data in it, then cut in half (a disk that filled up, a bad copy). */
async function truncatedDatabase(path: string): Promise<void> {
  const store = await openStore(`sqlite://${path}`);
  for (let index = 0; index < 100; index += 1) {
    await store.set(`session:telegram:${index}`, {
      sessionId: String(index).repeat(20),
      note: 'x'.repeat(2_000),
    });
  }
  await store.disconnect();
  const bytes = readFileSync(path);
  writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
}

const cases: Array<[string, (dir: string) => Promise<string> | string]> = [
  [
    'a file that is not a database',
    (dir) => {
      const path = join(dir, 'bot.sqlite');
      writeFileSync(path, 'these are my notes, not an SQLite database\n'.repeat(200));
      return path;
    },
  ],
  [
    'a database cut in half',
    async (dir) => {
      const path = join(dir, 'bot.sqlite');
      await truncatedDatabase(path);
      return path;
    },
  ],
  [
    'a location whose folder is a file',
    (dir) => {
      writeFileSync(join(dir, 'data'), 'a file where the data folder should be');
      return join(dir, 'data', 'bot.sqlite');
    },
  ],
  [
    'a folder where the database file should be',
    (dir) => {
      const path = join(dir, 'bot.sqlite');
      mkdirSync(join(path, 'inside'), { recursive: true });
      writeFileSync(join(path, 'inside', 'keep.txt'), 'untouched');
      return path;
    },
  ],
];

describe('a store the bot cannot use', () => {
  it.each(cases)('%s: one line naming STORE_URL, exit 1, the file left as it was', async (_name, prepare) => {
    const dir = mkdtempSync(join(tmpdir(), 'nemo-store-fault-'));
    const path = await prepare(dir);
    const before = snapshot(dir);
    const bot = startConsole({
      cwd: dir,
      env: { NEMO_API_URL: fake.url, STORE_URL: `sqlite://${path}`, LOG_LEVEL: 'debug', ...quickClocks },
      input: 'make a clip\n',
    });
    const { code } = await bot.exited;

    expect(code).toBe(1);
    const lines = bot.stderr().split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^STORE_URL: cannot use the store at sqlite://${path}: \\S`));
    expect(bot.stderr()).not.toMatch(/\n\s+at |Error:|node:internal/);
    expect(bot.stdout()).toBe('');
    // Nothing half-written: the same files, byte for byte (no journal, no new table, no repair).
    expect(snapshot(dir)).toEqual(before);
    // And nothing was asked of NemoVideo.
    expect(fake.requests).toEqual([]);
  });
});
