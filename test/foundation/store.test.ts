import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, StoreError } from '../../src/store.ts';

const tempDir = () => mkdtempSync(join(tmpdir(), 'nemo-store-'));

describe('store', () => {
  it('persists values in an SQLite file across reopen', async () => {
    const url = `sqlite://${join(tempDir(), 'nested', 'bot.sqlite')}`;
    const first = await openStore(url);
    await first.set('session:telegram:1', { sessionId: '123456789012345678901' });
    await first.disconnect();
    const second = await openStore(url);
    expect(await second.get('session:telegram:1')).toEqual({ sessionId: '123456789012345678901' });
    await second.disconnect();
  });

  it('refuses a corrupt database file with one clear error', async () => {
    const path = join(tempDir(), 'bot.sqlite');
    writeFileSync(path, 'this is not an sqlite database, just text that fills the header '.repeat(20));
    await expect(openStore(`sqlite://${path}`)).rejects.toThrow(StoreError);
    await expect(openStore(`sqlite://${path}`)).rejects.toThrow(/STORE_URL: cannot use the store/);
  });

  it('refuses a location it cannot create, even as root', async () => {
    const blocker = join(tempDir(), 'not-a-folder');
    writeFileSync(blocker, '');
    await expect(openStore(`sqlite://${join(blocker, 'bot.sqlite')}`)).rejects.toThrow(
      /STORE_URL: cannot use the store/,
    );
  });

  it('refuses a database directory that is a folder', async () => {
    await expect(openStore(`sqlite://${tempDir()}`)).rejects.toThrow(StoreError);
  });
});
