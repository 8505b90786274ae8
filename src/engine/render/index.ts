/**
 * The renderer: an EngineDraft in, an MP4 out: 1080p for the aspect, 30 fps, H.264 yuv420p with
 * faststart, AAC (silent without music).
 *
 * 1. Preparation, in parallel on every core: each photo decoded, scaled and composed once into a
 *    still (stills.ts), and the music's loudness measured (audio.ts).
 * 2. One ffmpeg for everything else (plan.ts), with progress from its `-progress` report.
 *
 * The MP4 is written next to `outputPath` under a temporary name and renamed when complete, so a
 * file at `outputPath` is always a finished render. Failures, cancellation and stalls leave
 * nothing behind.
 */
import { mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EngineDraft, engineDraftSchema } from '../draft.ts';
import type { Ffmpeg } from '../ffmpeg.ts';
import { loudnessArgs, musicWindow, normalisingGain } from './audio.ts';
import { audioEncoderArgs, containerArgs, videoEncoderArgs } from './encode.ts';
import { RenderFailure } from './failure.ts';
import { videoFrames } from './frames.ts';
import { frameOf, planRender, type RenderPlan } from './plan.ts';
import { runFfmpeg } from './run.ts';
import { planStills } from './stills.ts';

export { RenderFailure } from './failure.ts';
export { planRender, type RenderPlan } from './plan.ts';

export interface RenderInput {
  ff: Ffmpeg;
  draft: EngineDraft;
  mediaPath: (id: string) => string;
  outputPath: string;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

export async function renderDraft(input: RenderInput): Promise<void> {
  const { signal } = input;
  signal?.throwIfAborted();
  const parsed = engineDraftSchema.safeParse(input.draft);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RenderFailure(
      `the draft is not valid (${issue?.path.join('.') || 'draft'}: ${issue?.message})`,
    );
  }
  const draft = parsed.data;
  await checkMedia(draft, input.mediaPath);

  const directory = await mkdtemp(join(tmpdir(), 'nemo-render-'));
  const partial = `${input.outputPath}.part`;
  try {
    const gain = await prepareRender(input.ff, draft, input.mediaPath, directory, signal);
    const plan = await planRender(draft, input.mediaPath, directory, gain);
    await Promise.all(plan.files.map((file) => writeFile(file.path, file.content)));
    signal?.throwIfAborted();
    await runFfmpeg({
      ffmpeg: input.ff.ffmpeg,
      args: ffmpegArgs(plan, partial),
      durationMs: plan.durationMs,
      signal,
      onProgress: input.onProgress,
      names: plan.inputs,
    });
    const written = await stat(partial).catch(() => undefined);
    if (!written?.size) throw new RenderFailure('ffmpeg finished without writing the video');
    await rename(partial, input.outputPath);
  } finally {
    await rm(partial, { force: true });
    await rm(directory, { recursive: true, force: true });
  }
}

/**
 * Writes the draft's stills into `directory` and measures its music, a few ffmpeg at a time;
 * returns the music's loudness correction in dB. The first failure stops the others.
 */
export async function prepareRender(
  ff: Ffmpeg,
  draft: EngineDraft,
  mediaPath: (id: string) => string,
  directory: string,
  signal?: AbortSignal,
): Promise<number> {
  // One thread each: the jobs themselves run in parallel, one per core.
  const quiet = ['-hide_banner', '-nostdin', '-v', 'error', '-y', '-filter_threads', '1', '-threads', '1'];
  const stills = await planStills(draft, frameOf(draft), mediaPath, directory);
  const jobs = stills.map(
    (still) => (stop: AbortSignal) =>
      runFfmpeg({
        ffmpeg: ff.ffmpeg,
        args: [...quiet, ...still.args],
        durationMs: 1,
        signal: stop,
        names: [{ path: still.source, name: still.name }],
      }).then(() => 0),
  );
  const window = musicWindow(draft, videoFrames(draft) / draft.m.fps);
  if (window) {
    const path = mediaPath(window.music.m.media);
    jobs.unshift((stop) =>
      runFfmpeg({
        ffmpeg: ff.ffmpeg,
        args: loudnessArgs(path, window.length),
        durationMs: window.length * 1000,
        signal: stop,
        names: [{ path, name: window.music.m.name }],
      }).then(normalisingGain),
    );
  }
  const results = await pool(jobs, Math.max(1, availableParallelism()), signal);
  return window ? (results[0] ?? 0) : 0;
}

/** Runs the jobs, `size` at a time; the first failure (or `signal`) aborts the rest. */
async function pool<T>(jobs: Array<(stop: AbortSignal) => Promise<T>>, size: number, signal?: AbortSignal) {
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();
  const results: T[] = [];
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < jobs.length && !failure) {
      const index = next++;
      try {
        results[index] = await (jobs[index] as (stop: AbortSignal) => Promise<T>)(stop.signal);
      } catch (error) {
        failure ??= { error };
        stop.abort(error);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(size, jobs.length) }, worker));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) throw signal.reason;
  if (failure) throw failure.error;
  return results;
}

/** The whole command line after `ffmpeg`, writing the MP4 to `output`. */
export function ffmpegArgs(plan: RenderPlan, output: string): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-nostats',
    '-progress',
    'pipe:1',
    '-y',
    // Filters on one thread: x264's threads already fill the cores, and per-frame zoom scaling
    // re-creates its slice threads on every size change (measured: ~25% more filter CPU).
    '-filter_complex_threads',
    '1',
    ...plan.inputArgs,
    '-filter_complex',
    plan.filterGraph,
    '-map',
    `[${plan.video}]`,
    '-map',
    `[${plan.audio}]`,
    ...videoEncoderArgs,
    ...audioEncoderArgs,
    '-r',
    String(plan.frame.fps),
    ...containerArgs,
    output,
  ];
}

/** Every file the draft uses is still stored (a clear reason beats ffmpeg's "No such file"). */
async function checkMedia(draft: EngineDraft, mediaPath: (id: string) => string): Promise<void> {
  const used = [...draft.t[0].sg, ...draft.t[1].sg];
  for (const segment of used) {
    const file = await stat(mediaPath(segment.m.media)).catch(() => undefined);
    if (!file?.isFile())
      throw new RenderFailure(`“${segment.m.name}” is no longer in the engine's media store`);
  }
}
