/**
 * The Discord adapter's pieces that need no Discord: the slash command data, thread names, button
 * ids, the live status's pacing and its move out of a dying interaction, and token-free logging.
 */
import { describe, expect, it } from 'vitest';
import { allCommandData } from '../../adapters/discord/commands-data.ts';
import { actionOf, buttonRows, customIdFor } from '../../adapters/discord/components.ts';
import { loggable, withoutTokens } from '../../adapters/discord/errors.ts';
import type { Payload, Posted } from '../../adapters/discord/posting.ts';
import { LiveStatus, type StatusHost } from '../../adapters/discord/status.ts';
import { threadName } from '../../adapters/discord/threads.ts';
import { silentLogger } from '../../src/log.ts';

/** Discord's rule for command and option names (lower case where the script has case). */
const namePattern = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

describe('slash command data', () => {
  const data = allCommandData();

  it('has valid English and Chinese names and descriptions for every command and option', () => {
    expect(data.map((command) => command.name)).toEqual([
      'video',
      'edit',
      'export',
      'status',
      'credits',
      'new',
      'cancel',
      'link',
      'help',
    ]);
    const entries = data.flatMap((command) => [command, ...(command.options ?? [])]);
    for (const entry of entries) {
      const chineseName = entry.name_localizations?.['zh-CN'];
      const chineseDescription = entry.description_localizations?.['zh-CN'];
      for (const name of [entry.name, chineseName]) {
        expect(name).toMatch(namePattern);
        expect(name).toBe(name?.toLowerCase());
      }
      for (const description of [entry.description, chineseDescription]) {
        expect(description?.length).toBeGreaterThan(0);
        expect(description?.length).toBeLessThanOrEqual(100);
      }
    }
  });

  it('gives /video its prompt first and five optional attachment slots', () => {
    const video = data.find((command) => command.name === 'video');
    expect(video?.options?.map((option) => [option.name, option.type, option.required])).toEqual([
      ['prompt', 3, true],
      ['file1', 11, false],
      ['file2', 11, false],
      ['file3', 11, false],
      ['file4', 11, false],
      ['file5', 11, false],
    ]);
    const edit = data.find((command) => command.name === 'edit');
    expect(edit?.options?.map((option) => option.name)).toEqual(['instruction']);
  });
});

describe('thread names', () => {
  it('keeps a short prompt on one line', () => {
    expect(threadName('  a promo\nwith   music ', 'fallback')).toBe('a promo with music');
  });

  it('cuts a long prompt at a word, within 100 characters', () => {
    const name = threadName(`${'word '.repeat(40)}end`, 'fallback');
    expect(name.length).toBeLessThanOrEqual(100);
    expect(name).toMatch(/word…$/);
  });

  it('does not split an emoji and falls back for an empty prompt', () => {
    const name = threadName('🎬'.repeat(120), 'fallback');
    expect(name).toBe(`${'🎬'.repeat(49)}…`);
    expect(threadName('   ', 'NemoVideo project')).toBe('NemoVideo project');
  });
});

describe('buttons', () => {
  it('names the command in a short custom id and reads it back', () => {
    for (const action of ['export', 'status', 'new'] as const) {
      expect(customIdFor(action).length).toBeLessThanOrEqual(100);
      expect(actionOf(customIdFor(action))).toBe(action);
    }
    expect(actionOf('nemo:delete-everything')).toBeUndefined();
    expect(actionOf('poll:yes')).toBeUndefined();
    expect(buttonRows([], 'en')).toEqual([]);
    expect(buttonRows(['export'], 'zh')[0]?.toJSON()).toMatchObject({
      type: 1,
      components: [{ type: 2, custom_id: 'nemo:export', label: '导出' }],
    });
  });
});

/** A status host that records what happens, with a token that is fresh until `expire()`. */
function host() {
  const log: string[] = [];
  /** When each edit happened (performance.now()). */
  const editedAt: number[] = [];
  let fresh = true;
  let failEdits = false;
  const posted = (via: Posted['via'], name: string): Posted => ({
    via,
    edit: async (content) => {
      if (failEdits) throw new Error('Unknown Message');
      log.push(`edit ${name}: ${content}`);
      editedAt.push(performance.now());
    },
  });
  const statusHost: StatusHost = {
    tokenFresh: () => fresh,
    tokenAlive: () => true,
    postInChannel: async (payload: Payload) => {
      log.push(`channel: ${payload.content}`);
      return posted('channel', 'channel message');
    },
    post: async (payload: Payload) => {
      log.push(`post: ${payload.content}`);
      return posted('channel', 'new message');
    },
    handOver: async () => {
      log.push('hand over');
    },
  };
  return {
    log,
    editedAt,
    statusHost,
    reply: posted('interaction', 'reply'),
    expire: () => {
      fresh = false;
    },
    breakEdits: () => {
      failEdits = true;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('live status', () => {
  const intervalMs = 80;
  const start = (fake: ReturnType<typeof host>) =>
    new LiveStatus({
      host: fake.statusHost,
      logger: silentLogger,
      minEditIntervalMs: intervalMs,
      posted: fake.reply,
      shown: 'working',
      shownAt: performance.now(),
    });

  it('edits at most once per interval, newest text first, and always shows the last word', async () => {
    const fake = host();
    const status = start(fake);
    for (let second = 1; second <= 10; second += 1) {
      await status.update(`still working ${second}s`);
      await sleep(10);
    }
    await status.finish('done');
    // Ten updates, far fewer edits, never two within the interval; the last word is shown.
    expect(fake.log.length).toBeLessThan(10);
    const gaps = fake.editedAt.slice(1).map((at, index) => at - (fake.editedAt[index] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(intervalMs - 5);
    expect(fake.log.at(-1)).toBe('edit reply: done');
    expect(fake.log.slice(0, -1).every((line) => /^edit reply: still working \d+s$/.test(line))).toBe(true);
  });

  it('skips an update that changes nothing', async () => {
    const fake = host();
    const status = start(fake);
    await status.update('working');
    await sleep(intervalMs * 2);
    expect(fake.log).toEqual([]);
    await status.finish('done');
    expect(fake.log).toEqual(['edit reply: done']);
  });

  it('moves from a dying interaction reply to a channel message, even without new text', async () => {
    const fake = host();
    const status = start(fake);
    fake.expire();
    await status.update('working');
    await sleep(intervalMs * 2);
    expect(fake.log).toEqual(['channel: working', 'hand over']);
    await status.finish('done');
    expect(fake.log.at(-1)).toBe('edit channel message: done');
  });

  it('posts the last word when its message can no longer be edited', async () => {
    const fake = host();
    const status = start(fake);
    fake.breakEdits();
    await status.update('still working 1s');
    await status.finish('done');
    expect(fake.log).toEqual(['post: done']);
  });
});

describe('logging Discord errors', () => {
  it('masks interaction tokens in webhook and callback URLs', () => {
    const token = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OmFiY2RlZg';
    expect(
      withoutTokens(`PATCH https://discord.com/api/v10/webhooks/123/${token}/messages/%40original`),
    ).toBe('PATCH https://discord.com/api/v10/webhooks/123/[token]/messages/%40original');
    expect(withoutTokens(`/interactions/456/${token}/callback?with_response=false`)).toBe(
      '/interactions/456/[token]/callback?with_response=false',
    );
    expect(JSON.stringify(loggable(new Error(`failed at /webhooks/1/${token}`)))).not.toContain(token);
  });
});
