/**
 * Render jobs: a draft is checked, rendered by ffmpeg in the background, and its status read by
 * polling. At most one ffmpeg runs at a time (the machine is small; a second render waits as
 * `pending`). Finished files stay under the data folder, so a status asked after a restart still
 * finds them.
 */
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type EngineDraft, engineDraftSchema } from './draft.ts';
import type { Ffmpeg } from './ffmpeg.ts';
import { RenderFailure, renderDraft } from './render/index.ts';

export type RenderState = 'pending' | 'processing' | 'completed' | 'failed';

export interface RenderJob {
  id: string;
  sessionId: string;
  state: RenderState;
  /** 0–100. */
  progress: number;
  error?: string;
  controller: AbortController;
}

export class Renders {
  readonly #dir: string;
  readonly #ff: Ffmpeg;
  readonly #mediaPath: (id: string) => string;
  readonly #jobs = new Map<string, RenderJob>();
  #queue: Promise<void> = Promise.resolve();

  constructor(dataDir: string, ff: Ffmpeg, mediaPath: (id: string) => string) {
    this.#dir = join(dataDir, 'renders');
    this.#ff = ff;
    this.#mediaPath = mediaPath;
  }

  outputPath(id: string): string {
    return join(this.#dir, `${id}.mp4`);
  }

  has(id: string): boolean {
    return this.#jobs.has(id);
  }

  /** Starts a render; a draft that does not match the engine's format fails at once with the reason. */
  submit(id: string, sessionId: string, draft: unknown): RenderJob {
    const job: RenderJob = {
      id,
      sessionId,
      state: 'pending',
      progress: 0,
      controller: new AbortController(),
    };
    this.#jobs.set(id, job);
    const parsed = engineDraftSchema.safeParse(draft);
    if (!parsed.success) {
      const where = parsed.error.issues[0]?.path.join('.') || 'draft';
      this.#fail(job, `the draft is not valid (${where}: ${parsed.error.issues[0]?.message ?? 'invalid'})`);
      return job;
    }
    this.#queue = this.#queue.then(() => this.#run(job, parsed.data));
    return job;
  }

  /** The job, or a finished render left by an earlier run of the engine. */
  async status(id: string): Promise<RenderJob | undefined> {
    const job = this.#jobs.get(id);
    if (job) return job;
    if (!/^[\w-]{1,100}$/.test(id)) return undefined;
    try {
      await access(this.outputPath(id));
    } catch {
      return undefined;
    }
    return { id, sessionId: '', state: 'completed', progress: 100, controller: new AbortController() };
  }

  cancel(id: string): boolean {
    const job = this.#jobs.get(id);
    if (!job) return false;
    job.controller.abort();
    if (job.state === 'pending' || job.state === 'processing') this.#fail(job, 'cancelled');
    return true;
  }

  async #run(job: RenderJob, draft: EngineDraft): Promise<void> {
    if (job.controller.signal.aborted) return;
    job.state = 'processing';
    try {
      await mkdir(this.#dir, { recursive: true });
      await renderDraft({
        ff: this.#ff,
        draft,
        mediaPath: this.#mediaPath,
        outputPath: this.outputPath(job.id),
        signal: job.controller.signal,
        onProgress: (fraction) => {
          job.progress = Math.min(99, Math.round(fraction * 100));
        },
      });
      job.state = 'completed';
      job.progress = 100;
    } catch (error) {
      if (job.controller.signal.aborted) return;
      this.#fail(job, error instanceof RenderFailure ? error.reason : 'the render failed unexpectedly');
    }
  }

  #fail(job: RenderJob, reason: string): void {
    job.state = 'failed';
    job.error = reason;
  }
}
