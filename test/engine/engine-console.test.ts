import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startConsole } from '../support/console-process.ts';
import { greyRegion, makePhoto, makeTone, meanDifference, probe } from '../support/media.ts';

/** The console as a real process on the local engine (NEMO_API_URL=local), fed a script until it exits. */
async function runConsole(cwd: string, script: string) {
  const run = startConsole({
    cwd,
    input: script,
    env: {
      NEMO_API_URL: 'local',
      STORE_URL: `sqlite://${join(cwd, 'bot.sqlite')}`,
      ENGINE_DATA_DIR: join(cwd, 'engine'),
      RENDER_POLL_INTERVAL_SECONDS: '0.2',
      PROGRESS_INTERVAL_SECONDS: '1',
      LANG: 'en_US.UTF-8',
    },
  });
  const { code } = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

describe('the local engine through the console', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nemo-engine-'));
    await makePhoto(dir, 'one.jpg', 'testsrc2');
    await makePhoto(dir, 'two.png', 'mandelbrot');
    await makePhoto(dir, 'three.jpg', 'smptebars');
    await makeTone(dir);
  });

  it('makes the vertical 12-second video with music and a title, and the title is really there', async () => {
    const attach = '/attach one.jpg two.png three.jpg tone.wav';
    const { code, stdout, stderr } = await runConsole(
      dir,
      [
        attach,
        "make a 12-second vertical video with fade transitions, music and the title 'Summer Sale'",
        '/export',
        '/new',
        attach,
        'make a 12-second vertical video with fade transitions and music',
        '/export',
        '',
      ].join('\n'),
    );
    expect(code, stderr).toBe(0);
    const urls = stdout
      .split('\n')
      .filter((line) => /^http:\/\/127\.0\.0\.1:\d+\/files\/[\w-]+\.mp4$/.test(line));
    expect(urls, stdout).toHaveLength(2);
    const [titled, plain] = urls.map((url) =>
      join(dir, 'engine', 'renders', url.split('/').at(-1) as string),
    );

    const info = await probe(titled as string);
    expect(info).toMatchObject({
      width: 1080,
      height: 1920,
      codec: 'h264',
      pixelFormat: 'yuv420p',
      hasAudio: true,
    });
    expect(Math.abs(info.durationSeconds - 12)).toBeLessThanOrEqual(0.2);

    // The title sits in the middle third of the frame during the first seconds.
    const region = { x: 0, y: 640, w: 1080, h: 640 };
    const withTitle = await greyRegion(titled as string, 1, region);
    const withoutTitle = await greyRegion(plain as string, 1, region);
    expect(meanDifference(withTitle, withoutTitle)).toBeGreaterThan(1);
    // Far from the title, the frames agree.
    const corner = { x: 0, y: 0, w: 200, h: 200 };
    expect(
      meanDifference(
        await greyRegion(titled as string, 1, corner),
        await greyRegion(plain as string, 1, corner),
      ),
    ).toBeLessThan(1);
  }, 120_000);
});
