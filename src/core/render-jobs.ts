/**
 * Exports as persisted jobs: submit a render, poll it, retry a failure once with a new id, and
 * deliver the MP4 to the channel that asked. A job lives in the store from submission to delivery,
 * so a bot restarted mid-render picks it up again and still delivers the video.
 */
import { setTimeout as sleep } from 'node:timers/promises';
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
}

/** The abort reason of a bot shutdown: a render in progress is left to finish and resumed later. */
export const shuttingDown = Symbol('shutting down');

const indexKey = 'render-jobs';
const jobKey = (channel: string) => `render-job:${channel}`;
const resultActions: Action[] = ['export', 'status', 'new'];

export class RenderJobs {
  readonly #options: RenderJobsOptions;
  /** Serializes read-modify-write of the job index within this process. */
  #indexWrite: Promise<unknown> = Promise.resolve();

  constructor(options: RenderJobsOptions) {
    this.#options = options;
  }

  /** Submits a render of `draft` and follows it to delivery. */
  async start(
    job: Omit<RenderJob, 'renderId' | 'attempt' | 'submittedAt'>,
    surface: ReplySurface,
    progress: Progress,
    signal: AbortSignal,
  ): Promise<void> {
    const submitted = await this.#submit({ ...job, renderId: '', attempt: 1, submittedAt: 0 }, signal);
    await this.follow(submitted, surface, progress, signal);
  }

  /** Jobs that were submitted and not yet delivered (after a restart, these need resuming). */
  async pending(): Promise<RenderJob[]> {
    const channels = (await this.#options.store.get<string[]>(indexKey)) ?? [];
    const jobs = await Promise.all(
      channels.map((channel) => this.#options.store.get<RenderJob>(jobKey(channel))),
    );
    return jobs.filter((job): job is RenderJob => job !== undefined);
  }

  /** Polls a submitted job until it is delivered, failed twice, timed out or cancelled. */
  async follow(
    job: RenderJob,
    surface: ReplySurface,
    progress: Progress,
    signal: AbortSignal,
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
          await surface.postText(text.renderRetry);
          current = await this.#submit({ ...current, attempt: current.attempt + 1 }, signal);
        }
      }
    } catch (error) {
      if (signal.reason === shuttingDown) throw error;
      if (isNemoError(error, 'cancelled')) {
        await this.#options.nemo.cancelRender(current.renderId, { platform: job.platform }).catch(() => {});
      }
      await this.#forget(current.channel);
      throw error;
    }
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

  #updateIndex(change: (channels: string[]) => string[]): Promise<unknown> {
    const store = this.#options.store;
    this.#indexWrite = this.#indexWrite.then(async () => {
      await store.set(indexKey, change((await store.get<string[]>(indexKey)) ?? []));
    });
    return this.#indexWrite;
  }
}
