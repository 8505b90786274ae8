/**
 * The conversation core: what the bot does with a turn, whatever the platform.
 *
 * Backend operations (chat, upload, export) are exclusive per channel and share a global cap;
 * each shows a status message from its first second to its last. Reads (status, credits, link)
 * run at any time. Failures become one sentence in the person's language.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { leasesFor } from '../leases.ts';
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
import { type ChatInFlight, InterruptedChats, quotePrompt } from './interrupted-chats.ts';
import { formatElapsed, languageOf, messages } from './messages.ts';
import { activityForTool, Progress } from './progress.ts';
import { RenderJobs, shuttingDown } from './render-jobs.ts';
import { ReplyCollector } from './replies.ts';
import type { Action, Language, Platform, ReplySurface, SurfaceResolver, Turn } from './seam.ts';
import { type ChannelSession, ChannelSessions } from './sessions.ts';
import { ChannelLocks, ConcurrencyLimit, defaultLeaseTtlMs } from './slots.ts';
import { checkUploadable, uploadAttachments } from './uploads.ts';

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
  /**
   * How long a channel's lease outlives its holder (processes sharing a store); pending renders
   * whose lease expired are looked for every two leases. Default 30 s.
   */
  leaseTtlMs?: number;
  /** What one turn may carry (MAX_FILES_PER_TURN, MAX_PROMPT_CHARS); default 20 files, 4000 characters. */
  turnLimits?: TurnLimits;
}

export interface TurnLimits {
  maxFiles: number;
  /** 0: no limit. */
  maxPromptChars: number;
}

export const defaultTurnLimits: TurnLimits = { maxFiles: 20, maxPromptChars: 4000 };

/** Everything one running backend operation needs. */
interface Operation {
  turn: Turn;
  surface: ReplySurface;
  language: Language;
  progress: Progress;
  signal: AbortSignal;
  call: CallOptions;
  /** Renews the channel's lease before an effect that must happen once. */
  stillHeld: () => Promise<boolean>;
}

const resultActions: Action[] = ['export', 'status', 'new'];

export class Conversation {
  readonly #options: ConversationOptions;
  readonly #nemo: NemoClient;
  readonly #sessions: ChannelSessions;
  readonly #locks: ChannelLocks;
  readonly #limit: ConcurrencyLimit;
  readonly #access: AccessControl;
  readonly #renders: RenderJobs;
  readonly #chats: InterruptedChats;
  readonly #logger: Logger;
  readonly #inFlight = new Set<Promise<void>>();
  /** Set by shutdown: new backend work is turned away while running work winds down. */
  #closing = false;
  /** Platforms whose pending renders this process delivers, swept again periodically. */
  readonly #resumers = new Map<Platform, SurfaceResolver>();
  #sweeper: NodeJS.Timeout | undefined;

  constructor(options: ConversationOptions) {
    this.#options = options;
    this.#nemo = options.nemo;
    this.#logger = options.logger;
    this.#locks = new ChannelLocks({
      leases: leasesFor(options.store),
      leaseTtlMs: options.leaseTtlMs,
      logger: options.logger,
    });
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
    this.#chats = new InterruptedChats(options.store);
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
    const refusal = this.#overLimit(turn, prompt);
    if (refusal) return surface.postText(refusal);
    return this.#exclusive(turn, surface, async (operation) => {
      // Refused files are refused before anything is sent, and before /video forgets the project.
      checkUploadable(turn.attachments, this.#nemo.uploadMaxBytes);
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
    const operation = await this.#locks.claim(turn.channel);
    if (!operation) {
      await surface.postText(text.busy);
      return;
    }
    try {
      await this.#sessions.forget(turn.channel);
    } finally {
      await this.#locks.release(turn.channel, operation);
    }
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

  /**
   * Picks up the renders of `platform` that a previous run left unfinished, now and then
   * periodically: a job whose process died is taken over once its channel lease expires. At
   * start, also reports the chats a previous run left in flight (see interrupted-chats.ts).
   * Resolves with the number of renders resumed.
   */
  async resumeRenders(platform: Platform, surfaceFor: SurfaceResolver): Promise<number> {
    this.#resumers.set(platform, surfaceFor);
    if (!this.#sweeper && !this.#closing) {
      const intervalMs = 2 * (this.#options.leaseTtlMs ?? defaultLeaseTtlMs);
      this.#sweeper = setInterval(() => void this.#sweepRenders(), intervalMs).unref();
      // The console closes the store without a shutdown: no sweep after that.
      this.#options.store.once('disconnect', () => this.#stopSweeping());
    }
    const chats = await this.#resumeChats(platform, surfaceFor);
    if (chats > 0) this.#logger.info('reporting interrupted chats', { platform, count: chats });
    return this.#resumePending(platform, surfaceFor);
  }

  /**
   * Chats a previous run was streaming when it stopped: each is announced, then the project is
   * watched as after a dropped stream; what changed is described, or that nothing could be seen.
   */
  async #resumeChats(platform: Platform, surfaceFor: SurfaceResolver): Promise<number> {
    let resumed = 0;
    for (const listed of await this.#chats.pending()) {
      if (this.#closing) break;
      const surface = listed.platform === platform ? surfaceFor(listed.channel) : undefined;
      const operation = surface && (await this.#locks.claim(listed.channel));
      if (!surface || !operation) continue;
      const record = await this.#chats.get(listed.channel).catch(() => undefined);
      if (!record) {
        await this.#locks.release(listed.channel, operation);
        continue;
      }
      resumed += 1;
      this.#logger.info('reporting an interrupted chat', { channel: record.channel });
      const signal = operation.controller.signal;
      this.#track(
        this.#reportInterrupted(record, surface, signal).finally(async () => {
          // At a shutdown the record stays for the next start; otherwise it has been answered.
          if (signal.reason !== shuttingDown) await this.#endChat(record.channel);
          await this.#locks.release(record.channel, operation);
        }),
      );
    }
    return resumed;
  }

  async #reportInterrupted(record: ChatInFlight, surface: ReplySurface, signal: AbortSignal): Promise<void> {
    const { channel, language, sessionId, platform } = record;
    const text = messages(language);
    await surface.postText(text.interrupted({ prompt: quotePrompt(record.prompt) }));
    await this.#withStatus(channel, surface, language, signal, undefined, async (progress) => {
      const call: CallOptions = { signal, platform };
      const found = await this.#watchForChange(
        { surface, language, signal, call },
        sessionId,
        record.draftBefore,
      );
      if (!found) await progress.finish(text.recoveryFailed);
    });
  }

  async #endChat(channel: string): Promise<void> {
    await this.#chats.end(channel).catch((error: unknown) => {
      this.#logger.warn('chat record not cleared; the next start may report it', { channel, error });
    });
  }

  async #sweepRenders(): Promise<void> {
    await this.#track(
      (async () => {
        for (const [platform, surfaceFor] of this.#resumers) {
          await this.#resumePending(platform, surfaceFor).catch((error: unknown) => {
            this.#logger.warn('pending renders not checked', { platform, error });
          });
        }
      })(),
    );
  }

  #stopSweeping(): void {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  async #resumePending(platform: Platform, surfaceFor: SurfaceResolver): Promise<number> {
    let resumed = 0;
    for (const listed of await this.#renders.pending()) {
      if (this.#closing) break;
      const surface = listed.platform === platform ? surfaceFor(listed.channel) : undefined;
      // Another process (or an operation here) holding the channel is following it, or will.
      const operation = surface && (await this.#locks.claim(listed.channel));
      if (!surface) continue;
      if (!operation) {
        this.#logger.debug('pending render left to its holder', { channel: listed.channel });
        continue;
      }
      // Read again under the lease: whoever held the channel may have delivered it meanwhile.
      const job = await this.#renders.get(listed.channel).catch(async (error: unknown) => {
        await this.#locks.release(listed.channel, operation);
        throw error;
      });
      if (!job) {
        await this.#locks.release(listed.channel, operation);
        continue;
      }
      resumed += 1;
      this.#logger.info('resuming render', { channel: job.channel, renderId: job.renderId });
      const signal = operation.controller.signal;
      this.#track(
        this.#withStatus(job.channel, surface, job.language, signal, undefined, async (progress) => {
          progress.setLine(messages(job.language).rendering({ progress: 0 }));
          await this.#renders.follow(job, surface, progress, signal, () => operation.confirm());
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
    this.#stopSweeping();
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
    return this.#track(
      (async () => {
        // Claimed here and in the store: busy as well when another bot process runs one here.
        const operation = await this.#locks.claim(turn.channel).catch(async (error: unknown) => {
          this.#logger.error('channel lease unavailable', { channel: turn.channel, error });
          await surface.postText(await this.#describe(error, language, turn));
          return null;
        });
        if (operation === null) return;
        if (!operation) return surface.postText(text.busy);
        try {
          if (!(await this.#access.spendDailyRequest(turn))) {
            await surface.postText(text.dailyLimit({ limit: this.#access.dailyLimit }));
            return;
          }
          const signal = operation.controller.signal;
          await this.#withStatus(turn.channel, surface, language, signal, turn, (progress) =>
            this.#withSessionRecovery(
              {
                turn,
                surface,
                language,
                progress,
                signal,
                call: { signal, platform: turn.platform },
                stillHeld: () => operation.confirm(),
              },
              work,
            ),
          );
        } finally {
          await this.#locks.release(turn.channel, operation);
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
      // A status that already had its last word (a render at 100%) cannot carry the failure.
      if (progress && !progress.finished) await progress.finish(message);
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
    // Kept until the stream has ended, so a bot killed meanwhile reports the request at its next start.
    await this.#chats.begin({
      channel: turn.channel,
      platform: turn.platform,
      language,
      taskId: session.taskId,
      sessionId: session.sessionId,
      prompt,
      draftBefore: before?.draft ?? null,
      startedAt: Date.now(),
    });
    try {
      await this.#stream(operation, session, prompt, before);
    } finally {
      if (operation.signal.reason !== shuttingDown) await this.#endChat(turn.channel);
    }
  }

  /** Sends the prompt and relays the answer; a dropped stream is recovered from the state. */
  async #stream(
    operation: Operation,
    session: ChannelSession,
    prompt: string,
    before: SessionState | undefined,
  ): Promise<void> {
    const { surface, language, progress, call } = operation;
    const text = messages(language);
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
    await operation.surface.postText(messages(operation.language).recovering);
    if (!(await this.#watchForChange(operation, session.sessionId, before?.draft))) {
      throw new NemoError('no change after the dropped stream', { key: 'disconnected' });
    }
  }

  /**
   * Reads the state after a pause and then periodically (RECOVERY_*); posts the first change
   * found against `draftBefore` and resolves true, or false when the checks found none.
   */
  async #watchForChange(
    context: { surface: ReplySurface; language: Language; signal: AbortSignal; call: CallOptions },
    sessionId: string,
    draftBefore: unknown,
  ): Promise<boolean> {
    const { surface, language, signal, call } = context;
    const { firstCheckMs, intervalMs, checks } = this.#options.recovery;
    for (let check = 0; check < checks; check += 1) {
      await sleep(check === 0 ? firstCheckMs : intervalMs, undefined, { signal }).catch(() => {
        throw new NemoError('recovery cancelled', { key: 'cancelled' });
      });
      const after = await this.#stateOrUndefined({ sessionId }, call);
      const changes = after ? describeChanges(draftBefore, after.draft, language) : [];
      if (changes.length > 0) {
        await surface.postText(changes.join('\n'), resultActions);
        return true;
      }
    }
    return false;
  }

  async #stateOrUndefined(
    session: Pick<ChannelSession, 'sessionId'>,
    call: CallOptions,
  ): Promise<SessionState | undefined> {
    try {
      return await this.#nemo.sessionState(session.sessionId, call);
    } catch (error) {
      if (isNemoError(error, 'session_not_found') || isNemoError(error, 'cancelled')) throw error;
      this.#logger.warn('state unavailable', { error });
      return undefined;
    }
  }

  async #export(operation: Operation): Promise<void> {
    const { turn, surface, language, progress, signal, call, stillHeld } = operation;
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
      stillHeld,
    );
  }

  /** The answer for a turn larger than the bot takes; checked before anything is sent. */
  #overLimit(turn: Turn, prompt: string): string | undefined {
    const { maxFiles, maxPromptChars } = this.#options.turnLimits ?? defaultTurnLimits;
    const text = messages(languageOf(turn.person.locale));
    const files = turn.attachments.length;
    if (files > maxFiles) return text.tooManyFiles({ count: files, limit: maxFiles });
    const length = maxPromptChars > 0 && prompt.length > maxPromptChars ? Array.from(prompt).length : 0;
    if (length > maxPromptChars) {
      const number = (value: number) => value.toLocaleString('en-US');
      this.#logger.info('turn refused: prompt too long', { channel: turn.channel, length });
      return text.promptTooLong({ length: number(length), limit: number(maxPromptChars) });
    }
    return undefined;
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
