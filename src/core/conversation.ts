/**
 * The conversation core: what the bot does with a turn, whatever the platform.
 *
 * Backend operations (chat, upload, export) are exclusive per channel and share a global cap;
 * each shows a status message from its first second to its last. Reads (status, credits, link)
 * run at any time. Failures become one sentence in the person's language.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.ts';
import {
  type CallOptions,
  isNemoError,
  type NemoClient,
  NemoError,
  type SessionState,
} from '../nemo/index.ts';
import type { Store } from '../store.ts';
import { AccessControl, type AccessRules } from './access.ts';
import { describeChanges, isExportable, summarizeTimeline } from './draft.ts';
import { describeError } from './error-messages.ts';
import { formatElapsed, languageOf, messages } from './messages.ts';
import { activityForTool, Progress } from './progress.ts';
import { RenderJobs, shuttingDown } from './render-jobs.ts';
import { ReplyCollector } from './replies.ts';
import type { Action, Language, Platform, ReplySurface, SurfaceResolver, Turn } from './seam.ts';
import { type ChannelSession, ChannelSessions } from './sessions.ts';
import { ChannelLocks, ConcurrencyLimit } from './slots.ts';
import { uploadAttachments } from './uploads.ts';

export interface ConversationOptions {
  nemo: NemoClient;
  store: Store;
  logger: Logger;
  progressIntervalMs: number;
  renderPollIntervalMs: number;
  renderTimeoutMs: number;
  recovery: { firstCheckMs: number; intervalMs: number; checks: number };
  access: AccessRules;
  maxConcurrentOperations: number;
}

/** Everything one running backend operation needs. */
interface Operation {
  turn: Turn;
  surface: ReplySurface;
  language: Language;
  progress: Progress;
  signal: AbortSignal;
  call: CallOptions;
}

const resultActions: Action[] = ['export', 'status', 'new'];

export class Conversation {
  readonly #options: ConversationOptions;
  readonly #nemo: NemoClient;
  readonly #sessions: ChannelSessions;
  readonly #locks = new ChannelLocks();
  readonly #limit: ConcurrencyLimit;
  readonly #access: AccessControl;
  readonly #renders: RenderJobs;
  readonly #logger: Logger;
  readonly #inFlight = new Set<Promise<void>>();
  /** Set by shutdown: new backend work is turned away while running work winds down. */
  #closing = false;

  constructor(options: ConversationOptions) {
    this.#options = options;
    this.#nemo = options.nemo;
    this.#logger = options.logger;
    this.#sessions = new ChannelSessions(options.nemo, options.store);
    this.#limit = new ConcurrencyLimit(options.maxConcurrentOperations);
    this.#access = new AccessControl(options.access, options.store);
    this.#renders = new RenderJobs({
      nemo: options.nemo,
      store: options.store,
      logger: options.logger,
      pollIntervalMs: options.renderPollIntervalMs,
      timeoutMs: options.renderTimeoutMs,
    });
  }

  /** Checks allow-lists and admin-only commands; tells the person when they are turned away. */
  async admit(turn: Turn, surface: ReplySurface, command: string): Promise<boolean> {
    const admission = this.#access.admit(turn, command);
    if (admission.allowed) return true;
    const text = messages(languageOf(turn.person.locale));
    this.#logger.info('turn refused', { channel: turn.channel, reason: admission.reason, command });
    await surface.postText(admission.reason === 'admin_only' ? text.adminOnly : text.notAllowed);
    return false;
  }

  // ---- backend operations (exclusive per channel) ----

  /** Uploads the turn's files, then sends `prompt` (if any) to the backend. `fresh` starts a new project first. */
  chat(turn: Turn, surface: ReplySurface, prompt: string, fresh = false): Promise<void> {
    return this.#exclusive(turn, surface, async (operation) => {
      if (fresh) await this.#sessions.forget(turn.channel);
      await this.#chat(operation, prompt);
    });
  }

  exportVideo(turn: Turn, surface: ReplySurface): Promise<void> {
    return this.#exclusive(turn, surface, (operation) => this.#export(operation));
  }

  /** Forgets the channel's session; the next request starts a new project. */
  async newProject(turn: Turn, surface: ReplySurface): Promise<void> {
    const text = messages(languageOf(turn.person.locale));
    if (this.#locks.running(turn.channel)) {
      await surface.postText(text.busy);
      return;
    }
    await this.#sessions.forget(turn.channel);
    await surface.postText(text.newProject);
  }

  async cancel(turn: Turn, surface: ReplySurface): Promise<void> {
    const running = this.#locks.running(turn.channel);
    const text = messages(languageOf(turn.person.locale));
    if (!running) {
      await surface.postText(text.nothingToCancel);
      return;
    }
    running.controller.abort(new NemoError('cancelled by the person', { key: 'cancelled' }));
  }

  // ---- reads (any time) ----

  async status(turn: Turn, surface: ReplySurface): Promise<void> {
    await this.#read(turn, surface, async (session, language, call) => {
      const state = await this.#nemo.sessionState(session.sessionId, call);
      await surface.postText(
        summarizeTimeline(state.draft, language),
        isExportable(state.draft) ? ['export'] : [],
      );
    });
  }

  async credits(turn: Turn, surface: ReplySurface): Promise<void> {
    const language = languageOf(turn.person.locale);
    const text = messages(language);
    try {
      const credits = await this.#nemo.credits({ platform: turn.platform });
      const lines = [text.credits({ ...credits })];
      if (this.#nemo.tokenKind === 'anonymous') lines.push(text.creditsAnonymous);
      await surface.postText(lines.join('\n'));
    } catch (error) {
      await surface.postText(await this.#describe(error, language, turn));
    }
  }

  async link(turn: Turn, surface: ReplySurface): Promise<void> {
    await this.#read(turn, surface, async (session, language, call) => {
      const claim = await this.#nemo.claimLink(session, call);
      await surface.postText(messages(language).link({ url: claim.url }));
    });
  }

  // ---- lifecycle ----

  /** Picks up the renders of `platform` that a previous run left unfinished. */
  async resumeRenders(platform: Platform, surfaceFor: SurfaceResolver): Promise<number> {
    let resumed = 0;
    for (const job of await this.#renders.pending()) {
      const surface = job.platform === platform ? surfaceFor(job.channel) : undefined;
      const operation = surface && this.#locks.claim(job.channel);
      if (!surface || !operation) continue;
      resumed += 1;
      this.#logger.info('resuming render', { channel: job.channel, renderId: job.renderId });
      const signal = operation.controller.signal;
      this.#track(
        this.#withStatus(job.channel, surface, job.language, signal, undefined, async (progress) => {
          progress.setLine(messages(job.language).rendering({ progress: 0 }));
          await this.#renders.follow(job, surface, progress, signal);
        }).finally(() => this.#locks.release(job.channel, operation)),
      );
    }
    return resumed;
  }

  /** Resolves once no operation is running (used by the console at end of input, and at shutdown). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /**
   * Stops every running operation for a shutdown. Persisted renders are left running at
   * NemoVideo and resume at the next start; waits until every status has had its last word.
   */
  async shutdown(): Promise<void> {
    this.#closing = true;
    this.#locks.abortAll(shuttingDown);
    await this.idle();
  }

  // ---- internals ----

  #track(work: Promise<void>): Promise<void> {
    this.#inFlight.add(work);
    return work.finally(() => this.#inFlight.delete(work));
  }

  /** Runs `work` as the channel's one backend operation, or answers "busy". */
  #exclusive(
    turn: Turn,
    surface: ReplySurface,
    work: (operation: Operation) => Promise<void>,
  ): Promise<void> {
    const language = languageOf(turn.person.locale);
    const text = messages(language);
    if (this.#closing) return surface.postText(text.restarting);
    const operation = this.#locks.claim(turn.channel);
    if (!operation) return surface.postText(text.busy);
    return this.#track(
      (async () => {
        try {
          if (!(await this.#access.spendDailyRequest(turn))) {
            await surface.postText(text.dailyLimit({ limit: this.#access.dailyLimit }));
            return;
          }
          const signal = operation.controller.signal;
          await this.#withStatus(turn.channel, surface, language, signal, turn, (progress) =>
            this.#withSessionRecovery(
              { turn, surface, language, progress, signal, call: { signal, platform: turn.platform } },
              work,
            ),
          );
        } finally {
          this.#locks.release(turn.channel, operation);
        }
      })(),
    );
  }

  /**
   * The frame of every operation: a queue slot, a status message from the first second, and a
   * final word on it whatever happens.
   */
  async #withStatus(
    channel: string,
    surface: ReplySurface,
    language: Language,
    signal: AbortSignal,
    turn: Turn | undefined,
    work: (progress: Progress) => Promise<void>,
  ): Promise<void> {
    const text = messages(language);
    let queuePosition = 0;
    let progress: Progress | undefined;
    const onPosition = (position: number) => {
      queuePosition = position;
      progress?.setLine(text.queued({ position }));
    };
    const slot = this.#limit.acquire(onPosition, signal);
    let release: (() => void) | undefined;
    try {
      progress = await Progress.start(
        surface,
        language,
        this.#options.progressIntervalMs,
        this.#logger,
        queuePosition > 0 ? text.queued({ position: queuePosition }) : text.working,
      );
      release = await slot;
      progress.setLine(undefined);
      await work(progress);
      await progress.finish(text.done({ elapsed: formatElapsed(progress.elapsedMs) }));
    } catch (error) {
      if (signal.reason === shuttingDown) {
        await progress?.finish(text.restarting);
        return;
      }
      if (!isNemoError(error)) this.#logger.error('operation failed', { channel, error });
      else
        this.#logger.info('operation ended with an error', { channel, key: error.key, error: error.message });
      const message = await this.#describe(error, language, turn);
      if (progress) await progress.finish(message);
      else await surface.postText(message);
    } finally {
      release?.();
      // A slot granted after we gave up waiting (the status could not be posted) is handed back.
      slot.then(
        (late) => late(),
        () => {},
      );
    }
  }

  /** A vanished session (1002) is replaced once; the person hears that earlier files are gone. */
  async #withSessionRecovery(
    operation: Operation,
    work: (operation: Operation) => Promise<void>,
  ): Promise<void> {
    try {
      await work(operation);
    } catch (error) {
      if (!isNemoError(error, 'session_not_found')) throw error;
      this.#logger.warn('session lost, starting a new one', { channel: operation.turn.channel });
      await this.#sessions.forget(operation.turn.channel);
      await operation.surface.postText(messages(operation.language).sessionLost);
      await work(operation);
    }
  }

  #session(operation: Operation, prompt: string): Promise<ChannelSession> {
    const { turn, language } = operation;
    return this.#sessions.ensure(turn.channel, language, prompt, turn.platform);
  }

  async #chat(operation: Operation, prompt: string): Promise<void> {
    const { turn, surface, language, progress, call } = operation;
    const text = messages(language);
    const session = await this.#session(operation, prompt);
    if (turn.attachments.length > 0) {
      progress.setActivity('upload');
      const uploaded = await uploadAttachments(
        this.#nemo,
        session.sessionId,
        turn.attachments,
        call,
        this.#logger,
      );
      const names = uploaded.map((file) => file.filename).join(', ');
      await surface.postText(text.uploaded({ count: uploaded.length, names }), prompt ? [] : resultActions);
    }
    if (!prompt) return;

    const before = await this.#stateOrUndefined(session, call);
    const replies = new ReplyCollector(surface, language);
    let failure: NemoError | undefined;
    for await (const event of this.#nemo.chat(session.sessionId, prompt, call)) {
      if (event.type === 'text') {
        await replies.add(event.text, event.final, event.replace);
      } else if (event.type === 'tool_call') {
        progress.setActivity(activityForTool(event.name));
        await replies.boundary();
      } else if (event.type === 'error') {
        failure = event.error;
      } else if (event.type !== 'end') {
        await replies.release();
      }
    }
    await replies.flush(failure === undefined, resultActions);

    if (failure?.key === 'disconnected' || failure?.key === 'timeout') {
      await this.#recover(operation, session, before);
      return;
    }
    if (failure) throw failure;
    if (!replies.spoke) {
      const after = await this.#nemo.sessionState(session.sessionId, call);
      const changes = describeChanges(before?.draft, after.draft, language);
      await surface.postText(changes.length > 0 ? changes.join('\n') : text.silentNothing, resultActions);
    }
  }

  /**
   * The stream dropped: the request is never sent again (it may still be running). The state is
   * read after a pause and then periodically; a change is reported, otherwise the failure is.
   */
  async #recover(
    operation: Operation,
    session: ChannelSession,
    before: SessionState | undefined,
  ): Promise<void> {
    const { surface, language, signal, call } = operation;
    const text = messages(language);
    const { firstCheckMs, intervalMs, checks } = this.#options.recovery;
    await surface.postText(text.recovering);
    for (let check = 0; check < checks; check += 1) {
      await sleep(check === 0 ? firstCheckMs : intervalMs, undefined, { signal }).catch(() => {
        throw new NemoError('recovery cancelled', { key: 'cancelled' });
      });
      const after = await this.#stateOrUndefined(session, call);
      const changes = after ? describeChanges(before?.draft, after.draft, language) : [];
      if (changes.length > 0) {
        await surface.postText(changes.join('\n'), resultActions);
        return;
      }
    }
    throw new NemoError('no change after the dropped stream', { key: 'disconnected' });
  }

  async #stateOrUndefined(session: ChannelSession, call: CallOptions): Promise<SessionState | undefined> {
    try {
      return await this.#nemo.sessionState(session.sessionId, call);
    } catch (error) {
      if (isNemoError(error, 'session_not_found') || isNemoError(error, 'cancelled')) throw error;
      this.#logger.warn('state unavailable', { error });
      return undefined;
    }
  }

  async #export(operation: Operation): Promise<void> {
    const { turn, surface, language, progress, signal, call } = operation;
    const session = await this.#sessions.get(turn.channel);
    const state = session ? await this.#nemo.sessionState(session.sessionId, call) : undefined;
    if (!session || !state || !isExportable(state.draft)) {
      await progress.finish(messages(language).exportNotReady);
      return;
    }
    progress.setActivity('render');
    await this.#renders.start(
      {
        channel: turn.channel,
        platform: turn.platform,
        language,
        taskId: session.taskId,
        sessionId: session.sessionId,
        draft: state.draft,
      },
      surface,
      progress,
      signal,
    );
  }

  /** Runs a read against the channel's session, or says there is no project yet. */
  async #read(
    turn: Turn,
    surface: ReplySurface,
    read: (session: ChannelSession, language: Language, call: CallOptions) => Promise<void>,
  ): Promise<void> {
    const language = languageOf(turn.person.locale);
    const session = await this.#sessions.get(turn.channel);
    if (!session) {
      await surface.postText(messages(language).noProject);
      return;
    }
    try {
      await read(session, language, { platform: turn.platform });
    } catch (error) {
      await surface.postText(await this.#describe(error, language, turn));
    }
  }

  async #describe(error: unknown, language: Language, turn: Turn | undefined): Promise<string> {
    let claimUrl: string | undefined;
    if (isNemoError(error, 'no_credits') && this.#nemo.tokenKind === 'anonymous' && turn) {
      const session = await this.#sessions.get(turn.channel);
      claimUrl = session && (await this.#nemo.claimLink(session).catch(() => undefined))?.url;
    }
    if (isNemoError(error, 'auth') && this.#nemo.tokenKind === 'configured') {
      this.#logger.error('NEMO_TOKEN was rejected by NemoVideo: replace it in the configuration');
    }
    return describeError(error, language, { uploadMaxBytes: this.#nemo.uploadMaxBytes, claimUrl });
  }
}
