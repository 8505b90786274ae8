/**
 * Exports as persisted jobs: submit a render, poll it, retry a failure once with a new id, and
 * deliver the MP4 to the channel that asked. A job lives in the store from submission to delivery,
 * so a bot restarted mid-render picks it up again and still delivers the video.
 *
 * With several bot processes on one store, a job is followed only by the process holding its
 * channel's lease (see ChannelLocks): whoever resumes a job claims the channel first, reads the job
 * again, confirms the lease right before delivering, and forgets the job before letting go of it.
 * So a job is delivered once even when two processes see it pending at the same time.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Leases, leasesFor } from '../leases.ts';
import type { Logger } from '../log.ts';
import {
  type CallOptions,
  isNemoError,
  type NemoClient,
  NemoError,
  type RenderStatus,
} from '../nemo/index.ts';
import type { Store } from '../store.ts';
import { messages } from './messages.ts';
import type { Progress } from './progress.ts';
import type { Action, Language, Platform, ReplySurface } from './seam.ts';

export interface RenderJob {
  channel: string;
  platform: Platform;
  language: Language;
  taskId: string;
  sessionId: string;
  renderId: string;
  /** 1 for the first submission, 2 for the single retry. */
  attempt: number;
  draft: unknown;
  submittedAt: number;
}

export interface RenderJobsOptions {
  nemo: NemoClient;
  store: Store;
  logger: Logger;
  pollIntervalMs: number;
  timeoutMs: number;
  /** Guards the job index against concurrent writers in other processes; default: the store's. */
  leases?: Leases;
}

/**
 * Renews the lease under which a job is followed; false when it was lost, and the job is then left
 * alone (not delivered, not forgotten) for the process that holds it now.
 */
export type LeaseCheck = () => Promise<boolean>;

/** The abort reason of a bot shutdown: a render in progress is left to finish and resumed later. */
export const shuttingDown = Symbol('shutting down');

/** Following stopped because another process may hold the job now; the job is left as it is. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

const indexKey = 'render-jobs';
const indexLeaseTtlMs = 5_000;
const jobKey = (channel: string) => `render-job:${channel}`;
const resultActions: Action[] = ['export', 'status', 'new'];

export class RenderJobs {
  readonly #options: RenderJobsOptions;
  readonly #leases: Leases;
  /** Serializes read-modify-write of the job index within this process. */
  #indexWrite: Promise<unknown> = Promise.resolve();

  constructor(options: RenderJobsOptions) {
    this.#options = options;
    this.#leases = options.leases ?? leasesFor(options.store);
  }

  /** Submits a render of `draft` and follows it to delivery. */
  async start(
    job: Omit<RenderJob, 'renderId' | 'attempt' | 'submittedAt'>,
    surface: ReplySurface,
    progress: Progress,
    signal: AbortSignal,
    stillHeld?: LeaseCheck,
  ): Promise<void> {
    const submitted = await this.#submit({ ...job, renderId: '', attempt: 1, submittedAt: 0 }, signal);
    await this.follow(submitted, surface, progress, signal, stillHeld);
  }

  /** Jobs that were submitted and not yet delivered (after a restart, these need resuming). */
  async pending(): Promise<RenderJob[]> {
    const channels = (await this.#options.store.get<string[]>(indexKey)) ?? [];
    const jobs = await Promise.all(
      channels.map((channel) => this.#options.store.get<RenderJob>(jobKey(channel))),
    );
    return jobs.filter((job): job is RenderJob => job !== undefined);
  }

  /** The channel's job as stored now (read again after claiming the channel). */
  get(channel: string): Promise<RenderJob | undefined> {
    return this.#options.store.get<RenderJob>(jobKey(channel));
  }

  /**
   * Polls a submitted job until it is delivered, failed twice, timed out or cancelled. `stillHeld`
   * is asked right before each effect that must happen once (delivery, the retry's submission).
   */
  async follow(
    job: RenderJob,
    surface: ReplySurface,
    progress: Progress,
    signal: AbortSignal,
    stillHeld?: LeaseCheck,
  ): Promise<void> {
    const text = messages(job.language);
    const call: CallOptions = { signal, platform: job.platform };
    let current = job;
    try {
      for (;;) {
        await sleep(this.#options.pollIntervalMs, undefined, { signal }).catch(() => {
          throw new NemoError('render cancelled', { key: 'cancelled' });
        });
        const status = await this.#poll(current, call);
        if (!status) continue;
        progress.setLine(text.rendering({ progress: Math.round(status.progress) }));
        if (status.state === 'completed') {
          await this.#confirm(stillHeld, current);
          await this.#deliver(current, status, surface, progress, call);
          await this.#forget(current.channel);
          return;
        }
        if (status.state === 'failed') {
          if (current.attempt > 1) {
            throw new NemoError(`render failed twice: ${status.error ?? 'no reason given'}`, {
              key: 'render_failed',
            });
          }
          this.#options.logger.warn('render failed, retrying once', {
            renderId: current.renderId,
            reason: status.error,
          });
          await this.#confirm(stillHeld, current);
          await surface.postText(text.renderRetry);
          current = await this.#submit({ ...current, attempt: current.attempt + 1 }, signal);
        }
      }
    } catch (error) {
      if (signal.reason === shuttingDown || error instanceof LeaseLostError) throw error;
      if (isNemoError(error, 'cancelled')) {
        await this.#options.nemo.cancelRender(current.renderId, { platform: job.platform }).catch(() => {});
      }
      await this.#forget(current.channel);
      throw error;
    }
  }

  /** Stops following (as at a shutdown: nothing forgotten, nothing cancelled) once the lease is lost. */
  async #confirm(stillHeld: LeaseCheck | undefined, job: RenderJob): Promise<void> {
    if (!stillHeld || (await stillHeld())) return;
    this.#options.logger.warn('render lease lost, leaving the job to its new holder', {
      renderId: job.renderId,
    });
    throw new LeaseLostError(`render ${job.renderId}: lease lost`);
  }

  /** One status read; a passing fault is logged and retried at the next poll until the deadline. */
  async #poll(job: RenderJob, call: CallOptions): Promise<RenderStatus | undefined> {
    const overdue = Date.now() - job.submittedAt > this.#options.timeoutMs;
    try {
      const status = await this.#options.nemo.renderStatus(job.renderId, call);
      if (overdue && status.state !== 'completed' && status.state !== 'failed') throw this.#timeout(job);
      return status;
    } catch (error) {
      if (!isNemoError(error) || !error.retryable || call.signal?.aborted) throw error;
      if (overdue) throw this.#timeout(job);
      this.#options.logger.warn('render status unavailable, polling again', {
        renderId: job.renderId,
        error,
      });
      return undefined;
    }
  }

  #timeout(job: RenderJob): NemoError {
    return new NemoError(`render ${job.renderId} not finished after ${this.#options.timeoutMs} ms`, {
      key: 'timeout',
    });
  }

  async #submit(job: RenderJob, signal: AbortSignal): Promise<RenderJob> {
    const status = await this.#options.nemo.submitRender(job.sessionId, job.draft, {
      signal,
      platform: job.platform,
    });
    const submitted: RenderJob = { ...job, renderId: status.id, submittedAt: Date.now() };
    await this.#remember(submitted);
    return submitted;
  }

  async #deliver(
    job: RenderJob,
    status: RenderStatus,
    surface: ReplySurface,
    progress: Progress,
    call: CallOptions,
  ): Promise<void> {
    const text = messages(job.language);
    const claim = await this.#options.nemo
      .claimLink({ taskId: job.taskId, sessionId: job.sessionId }, call)
      .catch((error: unknown) => {
        this.#options.logger.warn('claim link unavailable', { error });
        return undefined;
      });
    await progress.finish(text.rendering({ progress: 100 }));
    const caption = [text.videoReady, claim ? text.openInEditor({ url: claim.url }) : '']
      .filter(Boolean)
      .join('\n');
    await surface.postVideo(
      {
        fileName: `nemovideo-${job.renderId}.mp4`,
        url: status.url,
        sizeBytes: status.sizeBytes,
        open: async () => (await this.#options.nemo.openRender(status, { platform: job.platform })).body,
      },
      caption,
      resultActions,
    );
  }

  async #remember(job: RenderJob): Promise<void> {
    await this.#options.store.set(jobKey(job.channel), job);
    await this.#updateIndex((channels) =>
      channels.includes(job.channel) ? channels : [...channels, job.channel],
    );
  }

  async #forget(channel: string): Promise<void> {
    await this.#options.store.delete(jobKey(channel));
    await this.#updateIndex((channels) => channels.filter((entry) => entry !== channel));
  }

  /**
   * Read-modify-write of the job index: serialized in this process, and under a short lease so a
   * process sharing the store cannot overwrite a channel another one just added.
   */
  #updateIndex(change: (channels: string[]) => string[]): Promise<unknown> {
    const store = this.#options.store;
    const write = this.#indexWrite.then(() =>
      this.#holdingIndex(async () => {
        await store.set(indexKey, change((await store.get<string[]>(indexKey)) ?? []));
      }),
    );
    // A failed write fails its caller, not every later write.
    this.#indexWrite = write.catch(() => {});
    return write;
  }

  async #holdingIndex(write: () => Promise<void>): Promise<void> {
    const key = `${indexKey}-index`;
    const owner = randomUUID();
    // A holder that died frees the index after one lease; wait a little longer than that.
    const deadline = Date.now() + 3 * indexLeaseTtlMs;
    while (!(await this.#leases.claim(key, owner, indexLeaseTtlMs))) {
      if (Date.now() > deadline) throw new Error('the render job index stayed locked');
      await sleep(5 + Math.random() * 20);
    }
    try {
      await write();
    } finally {
      await this.#leases.release(key, owner).catch(() => {});
    }
  }
}
