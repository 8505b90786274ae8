/**
 * The core's reply surface on Discord, for one turn (or one resumed render).
 *
 * Where a message goes:
 *  1. the first one replaces the interaction's deferred reply ("thinking…");
 *  2. the others are ordinary messages in the turn's channel or thread;
 *  3. where the bot may not post there, follow-ups on the interaction carry them while its token
 *     lives, and the person is told what permission is missing;
 *  4. with no way to speak left, a log line names the missing permission.
 * Interaction tokens die after 15 minutes; a while before that (the margin) the surface stops
 * using the token: the status moves to a channel message and everything after it mentions the
 * person, who may have stopped watching the reply.
 */
import type { Readable } from 'node:stream';
import type { RepliableInteraction } from 'discord.js';
import type { Action, Language, ReplySurface, StatusMessage, VideoReply } from '../../src/core/seam.ts';
import type { Logger } from '../../src/log.ts';
import { buttonRows } from './components.ts';
import { guarded, isPermissionError, isTooLarge, loggable } from './errors.ts';
import type { PermissionName } from './permissions.ts';
import {
  type ChannelTarget,
  defaultAttachmentLimit,
  editOriginal,
  followUp,
  originalReply,
  type Payload,
  type Posted,
} from './posting.ts';
import { LiveStatus, type StatusHost } from './status.ts';
import { discordTexts, formatBytes, permissionLabel } from './texts.ts';

export interface SurfaceTiming {
  /** The clock the token's age is measured by (tests move it forward). */
  now(): number;
  /** How long Discord accepts an interaction token: 15 minutes. */
  tokenLifetimeMs: number;
  /** Stop using the token this long before it dies. */
  tokenMarginMs: number;
  /** The shortest time between two edits of one status message. */
  minEditIntervalMs: number;
}

export interface DiscordSurfaceOptions {
  target: ChannelTarget;
  language: Language;
  timing: SurfaceTiming;
  logger: Logger;
  /** The interaction this turn came as; absent for thread messages and resumed renders. */
  interaction?: RepliableInteraction | undefined;
  /** What the deferred reply already shows (a thread's first message), and since when. */
  original?: { shown: string; shownAt: number } | undefined;
  /** The person to mention once replies leave the interaction. */
  personId?: string | undefined;
  /** A message the first post answers (a thread message turn). */
  replyTo?: string | undefined;
}

/** The core splits longer texts; the rest of Discord's 2000 leaves room for a mention and notes. */
const textLimit = 1900;

export class DiscordSurface implements ReplySurface, StatusHost {
  readonly maxMessageLength = textLimit;
  readonly #target: ChannelTarget;
  readonly #language: Language;
  readonly #timing: SurfaceTiming;
  readonly #logger: Logger;
  readonly #interaction: RepliableInteraction | undefined;
  readonly #personId: string | undefined;
  #replyTo: string | undefined;
  /** The deferred reply has not been given anything to show yet. */
  #originalFree: boolean;
  readonly #original: { shown: string; shownAt: number } | undefined;
  #warnedCannotContinue = false;

  constructor(options: DiscordSurfaceOptions) {
    this.#target = options.target;
    this.#language = options.language;
    this.#timing = options.timing;
    this.#logger = options.logger;
    this.#interaction = options.interaction;
    this.#personId = options.personId;
    this.#replyTo = options.replyTo;
    this.#originalFree = options.interaction !== undefined;
    this.#original = options.original;
  }

  // ---- the interaction token's life ----

  #tokenAge(): number {
    return this.#interaction ? this.#timing.now() - this.#interaction.createdTimestamp : Infinity;
  }

  tokenFresh(): boolean {
    return this.#tokenAge() < this.#timing.tokenLifetimeMs - this.#timing.tokenMarginMs;
  }

  tokenAlive(): boolean {
    // A few seconds of slack: a request sent just before the end may arrive just after it.
    return this.#tokenAge() < this.#timing.tokenLifetimeMs - 5_000;
  }

  // ---- ReplySurface ----

  postStatus(text: string): Promise<StatusMessage> {
    return guarded(() => this.#postStatus(text));
  }

  postText(text: string, actions: Action[] = []): Promise<void> {
    return guarded(async () => {
      await this.post({ content: text, components: buttonRows(actions, this.#language) });
    });
  }

  postVideo(video: VideoReply, caption: string, actions: Action[] = []): Promise<void> {
    return guarded(() => this.#postVideo(video, caption, actions));
  }

  async #postStatus(text: string): Promise<StatusMessage> {
    const interaction = this.#interaction;
    const original = this.#original;
    if (interaction && this.#originalFree && original && this.tokenFresh()) {
      // The reply already shows a first line: the status continues in it, on the edit cadence.
      this.#originalFree = false;
      const status = new LiveStatus({
        host: this,
        logger: this.#logger,
        minEditIntervalMs: this.#timing.minEditIntervalMs,
        posted: originalReply(interaction, {}),
        shown: original.shown,
        shownAt: original.shownAt,
      });
      await status.update(text);
      return status;
    }
    return new LiveStatus({
      host: this,
      logger: this.#logger,
      minEditIntervalMs: this.#timing.minEditIntervalMs,
      posted: await this.post({ content: text }),
      shown: text,
      shownAt: performance.now(),
    });
  }

  async #postVideo(video: VideoReply, caption: string, actions: Action[]): Promise<void> {
    const texts = discordTexts(this.#language);
    const components = buttonRows(actions, this.#language);
    const limit = Math.max(
      defaultAttachmentLimit,
      this.#interaction?.attachmentSizeLimit ?? 0,
      await this.#target.attachmentLimit(),
    );
    const tooLarge = video.url
      ? texts.tooLargeToAttach({ limit: formatBytes(limit) })
      : texts.tooLargeNoLink({ limit: formatBytes(limit) });
    const mention = this.#personId;
    const missing = await this.#target.missing('attach');
    let note: string | undefined;
    if (missing) {
      // Without Attach Files the person hears why; without a channel at all the link will do.
      if (missing === 'AttachFiles')
        note = texts.cannotAttach({ permission: permissionLabel(this.#language, missing) });
    } else if (video.sizeBytes !== undefined && video.sizeBytes > limit) {
      note = tooLarge;
    } else {
      const bytes = await this.#download(video, limit);
      if (bytes) {
        try {
          await this.post({
            content: caption,
            components,
            mention,
            files: [{ attachment: bytes, name: video.fileName }],
          });
          return;
        } catch (error) {
          if (!isTooLarge(error) && !isPermissionError(error)) throw error;
          this.#logger.warn('Discord refused the MP4; posting the link instead', { error: loggable(error) });
        }
      }
      note = tooLarge;
    }
    const content = [caption, note, video.url].filter(Boolean).join('\n');
    await this.post({ content, components, mention });
  }

  /** Removes the deferred reply when the command said nothing (a /cancel that stopped something). */
  async settle(): Promise<void> {
    if (!this.#interaction || !this.#originalFree || !this.tokenAlive()) return;
    this.#originalFree = false;
    await this.#interaction.deleteReply().catch((error: unknown) => {
      this.#logger.debug('could not remove the empty reply', { error: loggable(error) });
    });
  }

  // ---- StatusHost ----

  /** Posts a new message wherever this turn's replies go now (see the module comment). */
  async post(payload: Payload): Promise<Posted | undefined> {
    const interaction = this.#interaction;
    if (interaction && this.#originalFree && this.tokenFresh()) {
      this.#originalFree = false;
      return editOriginal(interaction, payload);
    }
    const sent = await this.#sendToChannel(payload);
    if (typeof sent !== 'string') return sent;
    if (interaction && this.tokenAlive()) {
      if (!this.tokenFresh()) await this.#warnCannotContinue(interaction, sent);
      return followUp(interaction, payload);
    }
    this.#logger.warn('cannot post in the channel: a permission is missing', {
      channel: this.#target.channelId,
      permission: sent,
    });
    return undefined;
  }

  async postInChannel(payload: Payload): Promise<Posted | undefined> {
    const sent = await this.#sendToChannel(payload);
    if (typeof sent !== 'string') return sent;
    this.#logger.warn('cannot move the status to the channel: a permission is missing', {
      channel: this.#target.channelId,
      permission: sent,
    });
    return undefined;
  }

  async handOver(old: Posted): Promise<void> {
    if (!this.tokenAlive()) return;
    await old.edit(discordTexts(this.#language).continuedBelow).catch((error: unknown) => {
      this.#logger.debug('could not point the old status to the new one', { error: loggable(error) });
    });
  }

  // ---- internals ----

  /** An ordinary message in the channel, or the permission that prevents it. */
  async #sendToChannel(payload: Payload): Promise<Posted | PermissionName> {
    const need = payload.files ? 'attach' : 'send';
    const missing = await this.#target.missing(need);
    if (missing) return missing;
    let mention = payload.mention ?? (this.#interaction && !this.tokenFresh() ? this.#personId : undefined);
    let replyTo = this.#replyTo;
    if (replyTo && (await this.#target.missing('reply'))) {
      // No reply without Read Message History: a mention notifies the person instead.
      replyTo = undefined;
      mention ??= this.#personId;
    }
    try {
      const posted = await this.#target.send({ ...payload, mention, replyTo });
      this.#replyTo = undefined;
      return posted;
    } catch (error) {
      if (!isPermissionError(error)) throw error;
      return need === 'attach' ? 'AttachFiles' : 'SendMessages';
    }
  }

  async #warnCannotContinue(interaction: RepliableInteraction, missing: PermissionName): Promise<void> {
    if (this.#warnedCannotContinue) return;
    this.#warnedCannotContinue = true;
    this.#logger.warn('the interaction token is running out and a permission is missing', {
      channel: this.#target.channelId,
      permission: missing,
    });
    const permission = permissionLabel(this.#language, missing);
    await followUp(interaction, {
      content: discordTexts(this.#language).cannotContinue({ permission }),
    }).catch(() => undefined);
  }

  /** The MP4's bytes when they fit `limit`; undefined when they do not (or cannot be fetched). */
  async #download(video: VideoReply, limit: number): Promise<Buffer | undefined> {
    const chunks: Buffer[] = [];
    let total = 0;
    let stream: Readable | undefined;
    try {
      stream = await video.open();
      for await (const chunk of stream) {
        total += chunk.length;
        if (total > limit) return undefined;
        chunks.push(Buffer.from(chunk));
      }
      return Buffer.concat(chunks);
    } catch (error) {
      if (!video.url) throw error;
      this.#logger.warn('could not fetch the MP4 to attach it; posting the link', { error: loggable(error) });
      return undefined;
    } finally {
      stream?.destroy();
    }
  }
}
