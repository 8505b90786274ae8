import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeNemo, startFakeNemo } from '../fakes/nemo-server.ts';
import { startConsole } from '../support/console-process.ts';

let fake: FakeNemo;
let workDir: string;
beforeEach(async () => {
  fake = await startFakeNemo();
  workDir = mkdtempSync(join(tmpdir(), 'nemo-console-'));
});
afterEach(async () => {
  await fake.close();
});

/** Runs the console as a real process with `input` piped to it, until it exits. */
async function runConsole(input: string, env: Record<string, string> = {}) {
  const run = startConsole({
    cwd: workDir,
    input,
    env: {
      NEMO_API_URL: fake.url,
      STORE_URL: `sqlite://${join(workDir, 'bot.sqlite')}`,
      RENDER_POLL_INTERVAL_SECONDS: '0.05',
      PROGRESS_INTERVAL_SECONDS: '0.05',
      LANG: 'en_US.UTF-8',
      ...env,
    },
  });
  const { code } = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

describe('console adapter', () => {
  it('runs a piped script line by line, render included, and prints the video URL on its own line', async () => {
    writeFileSync(join(workDir, 'photo.jpg'), Buffer.alloc(4096, 1));
    const { code, stdout, stderr } = await runConsole(
      '/attach photo.jpg\nturn this into a 5 second clip\n/export\n',
    );
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines).toContain('📎 Added 1 file(s) to your project: photo.jpg');
    expect(lines).toContain('Sure! I made a 5-second clip from your photos.');
    expect(lines).toContain('🎉 Your video is ready!');
    expect(lines.some((line) => /^http:\/\/127\.0\.0\.1:\d+\/files\/render_[\w]+\.mp4$/.test(line))).toBe(
      true,
    );
    expect(stdout).not.toContain('\x1b[');
    expect(fake.requestsTo('upload')[0]?.parts?.[0]).toMatchObject({ filename: 'photo.jpg', size: 4096 });
    expect(fake.requestsTo('chat')).toHaveLength(1);
    expect(stderr).not.toMatch(/nmv_usr_[a-z0-9]/i);
  });

  it('refuses a missing file without losing the session', async () => {
    const { code, stdout } = await runConsole('/attach nowhere.jpg\n/status\n');
    expect(code).toBe(0);
    expect(stdout).toContain('Not a file: nowhere.jpg');
    expect(fake.requestsTo('upload')).toHaveLength(0);
  });

  it('stops with one line per configuration problem and a non-zero exit', async () => {
    const { code, stderr } = await runConsole('', { NEMO_API_URL: 'nowhere', UPLOAD_MAX_MB: '-1' });
    expect(code).not.toBe(0);
    expect(stderr).toContain('NEMO_API_URL:');
    expect(stderr).toContain('UPLOAD_MAX_MB:');
    expect(stderr).not.toContain('    at ');
  });
});
