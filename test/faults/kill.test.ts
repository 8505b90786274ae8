/**
 * The bot killed with SIGKILL in the middle of work, then started again on the same SQLite store:
 * the console adapter runs as a real process against the fake NemoVideo in this process, and is
 * killed the moment the fake sees the request in question. No handler runs on SIGKILL, so only
 * what was already in the store survives.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.ts';
import { startHarness, waitFor } from '../adapters/telegram-harness.ts';
import {
  adkReply,
  adkToolCall,
  defaultChatScript,
  type FakeNemo,
  sampleDraft,
  startFakeNemo,
} from '../fakes/nemo-server.ts';
import { ada, privateChat, textMessage } from '../fakes/telegram-updates.ts';
import { type ConsoleProcess, quickClocks, startConsole } from '../support/console-process.ts';
import { until } from '../support/faults.ts';

const en = messages('en');

let fake: FakeNemo;
let workDir: string;
let running: ConsoleProcess[] = [];
beforeEach(async () => {
  fake = await startFakeNemo();
  workDir = mkdtempSync(join(tmpdir(), 'nemo-kill-'));
});
afterEach(async () => {
  for (const each of running) if (each.child.exitCode === null) await each.kill();
  running = [];
  await fake.close();
});

/** One run of the bot on this test's store; `input` ends standard input unless `keepOpen`. */
function bot(input = '', keepOpen = false): ConsoleProcess {
  const started = startConsole({
    cwd: workDir,
    env: { NEMO_API_URL: fake.url, STORE_URL: `sqlite://${join(workDir, 'bot.sqlite')}`, ...quickClocks },
    input,
    keepInputOpen: keepOpen,
  });
  running.push(started);
  return started;
}

const videoUrl = /^http:\/\/127\.0\.0\.1:\d+\/files\/render_\w+\.mp4$/;
const videoUrls = (...outputs: string[]) =>
  outputs.flatMap((output) => output.split('\n')).filter((line) => videoUrl.test(line));
const sessionDraft = () => [...fake.sessions.values()][0]?.draft;

describe('killed during a chat stream', () => {
  it('reports the change the interrupted request made, once, and never sends it again', async () => {
    fake.queueChat(defaultChatScript(), {
      steps: [
        adkToolCall('add_bgm', { style: 'lo-fi' }),
        { setDraft: sampleDraft() },
        ...adkReply('Adding the music now', { chunks: 2 }).slice(0, 1),
        { hang: true },
      ],
    });
    const first = bot('make a clip\nadd lo-fi music and a title\n', true);
    await until('the second chat to change the draft', () => {
      const draft = sessionDraft();
      return fake.requestsTo('chat').length === 2 && draft && draft.t.length === 3;
    });
    await first.kill();
    expect(first.stdout()).not.toContain('Music added');

    const second = bot();
    expect((await second.exited).code).toBe(0);
    const lines = second.stdout().split('\n');
    expect(lines).toContain(en.interrupted({ prompt: 'add lo-fi music and a title' }));
    expect(second.stdout()).toMatch(/^✅ Music added: Lo-fi \(0-10s, 35%\)$/m);
    expect(second.stdout()).toMatch(/^✅ Title added: "Urban Dreams"/m);
    expect(fake.requestsTo('chat')).toHaveLength(2);

    // Reported once: the next start has nothing left to say about it.
    const third = bot('/status\n');
    expect((await third.exited).code).toBe(0);
    expect(third.stdout()).not.toContain('🔁');
    expect(third.stdout()).toContain('Timeline (3 tracks):');
    expect(fake.requestsTo('chat')).toHaveLength(2);
  });

  it('says the result could not be confirmed when the project shows no change', async () => {
    fake.queueChat(defaultChatScript(), { steps: [{ comment: 'thinking' }, { hang: true }] });
    const first = bot('make a clip\nmake it cinematic\n', true);
    await until('the second chat to arrive', () => fake.requestsTo('chat').length === 2);
    await first.kill();

    const second = bot();
    expect((await second.exited).code).toBe(0);
    const lines = second.stdout().split('\n');
    expect(lines).toContain(en.interrupted({ prompt: 'make it cinematic' }));
    expect(lines.at(-2)).toBe(en.recoveryFailed);
    expect(fake.requestsTo('chat')).toHaveLength(2);
    expect(second.stderr()).not.toMatch(/"level":"error"/);
  });
});

describe('killed during a render', () => {
  it('delivers the video exactly once after the restart, from the one render submitted', async () => {
    fake.render = { shape: 'top', statuses: ['pending', 'processing'], urlReachable: true };
    const first = bot('make a clip\n/export\n', true);
    await until('the first render status poll', () => fake.requestsTo('renderStatus').length > 0);
    await first.kill();
    for (const render of fake.renders.values()) render.plan = { ...render.plan, statuses: ['completed'] };

    const second = bot();
    expect((await second.exited).code).toBe(0);
    const third = bot();
    expect((await third.exited).code).toBe(0);

    expect(videoUrls(first.stdout(), second.stdout(), third.stdout())).toHaveLength(1);
    expect(videoUrls(second.stdout())).toHaveLength(1);
    expect(second.stdout()).toContain('🎉 Your video is ready!');
    expect(fake.requestsTo('renderSubmit')).toHaveLength(1);
    expect(fake.requestsTo('renderCancel')).toHaveLength(0);
    // The chat before the export had ended: nothing about it is reported after the restart.
    expect(second.stdout()).not.toContain('🔁');
  });
});

describe('stopped gracefully during a chat stream', () => {
  it('says it is restarting, and after the restart what became of the request (Telegram)', async () => {
    const h = await startHarness({
      RECOVERY_FIRST_CHECK_SECONDS: '0.05',
      RECOVERY_INTERVAL_SECONDS: '0.05',
      RECOVERY_CHECKS: '3',
    });
    try {
      const chat = privateChat(ada);
      h.telegram.pushUpdate(textMessage(chat, ada, 'make a clip'));
      await waitFor(() => h.telegram.textsTo(ada.id).some((text) => text.startsWith('✅ Done')), 'the clip');
      h.nemo.queueChat({
        steps: [adkToolCall('add_title', {}), { setDraft: sampleDraft() }, { hang: true }],
      });
      h.telegram.pushUpdate(textMessage(chat, ada, 'add the title Urban Dreams'));
      await waitFor(() => [...h.nemo.sessions.values()][0]?.draft?.t.length === 3, 'the draft to change');
      await h.bot.stop();
      expect(h.telegram.textsTo(ada.id).at(-1)).toBe(en.restarting);

      // Sent while the bot is down: delivered as soon as it polls again, after the report has begun.
      h.telegram.pushUpdate(textMessage(chat, ada, 'are you there?'));
      await h.startBot();
      const report = await waitFor(
        () => h.telegram.textsTo(ada.id).find((text) => text.includes('✅ Title added')),
        'the report after the restart',
      );
      expect(report).toContain('Urban Dreams');
      expect(h.telegram.textsTo(ada.id)).toContain(en.interrupted({ prompt: 'add the title Urban Dreams' }));
      expect(h.telegram.textsTo(ada.id)).toContain(en.busy);
      expect(h.nemo.requestsTo('chat')).toHaveLength(2);
    } finally {
      await h.close();
    }
  });
});
