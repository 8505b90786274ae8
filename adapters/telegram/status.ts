/**
 * A status message edited in place. Progress edits are best effort: one that would break the
 * chat's edit pace, or that meets a 429, is skipped, so the job behind it never waits. The last
 * word (`finish`) waits for its turn and always arrives, as a new message if the old one cannot
 * be edited any more.
 */
import type { Api } from 'grammy';
import type { StatusMessage } from '../../src/core/seam.ts';
import type { Logger } from '../../src/log.ts';
import { describeFailure, isNotModified, retryAfterSeconds } from './api.ts';
import type { EditPacer } from './pacing.ts';

export const maxTextLength = 4096;

/** A 429 longer than this is not waited out for a last word: it is sent as a new message. */
const longestFinishWaitSeconds = 60;
const finishAttempts = 5;

export interface StatusDeps {
  /** Sends (auto-retried), for a last word that cannot be an edit. */
  api: Api;
  /** Edits (never retried). */
  statusApi: Api;
  pacer: EditPacer;
  logger: Logger;
}

export function clip(text: string): string {
  return text.length > maxTextLength ? `${text.slice(0, maxTextLength - 1)}…` : text;
}

export class TelegramStatus implements StatusMessage {
  readonly #chatId: number;
  readonly #messageId: number;
  readonly #deps: StatusDeps;
  /** What the message reads now; an edit to the same text is never sent. */
  #shown: string;
  #editing: Promise<void> | undefined;
  #finished = false;

  constructor(chatId: number, messageId: number, shown: string, deps: StatusDeps) {
    this.#chatId = chatId;
    this.#messageId = messageId;
    this.#shown = shown;
    this.#deps = deps;
  }

  async update(text: string): Promise<void> {
    const next = clip(text);
    if (this.#finished || this.#editing || next === this.#shown) return;
    if (!this.#deps.pacer.tryStart(this.#chatId)) return; // too soon: the next tick brings fresher text
    this.#editing = this.#progressEdit(next).finally(() => {
      this.#editing = undefined;
    });
    await this.#editing;
  }

  async finish(text: string): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    const last = clip(text);
    await this.#editing?.catch(() => {});
    const { pacer, statusApi, logger } = this.#deps;
    for (let attempt = 1; last !== this.#shown; attempt += 1) {
      await pacer.start(this.#chatId);
      try {
        await statusApi.editMessageText(this.#chatId, this.#messageId, last);
        this.#shown = last;
      } catch (error) {
        if (isNotModified(error)) return;
        const wait = retryAfterSeconds(error);
        if (wait !== undefined && wait <= longestFinishWaitSeconds && attempt < finishAttempts) {
          pacer.block(this.#chatId, wait);
          logger.info('status edit rate limited; the last word waits', {
            chat: this.#chatId,
            retryAfter: wait,
          });
          continue;
        }
        logger.warn('status could not be edited; sending the last word as a message', {
          chat: this.#chatId,
          ...describeFailure(error),
        });
        await this.#deps.api.sendMessage(this.#chatId, last);
        return;
      } finally {
        pacer.done(this.#chatId);
      }
    }
  }

  /** One progress edit, already cleared by the pacer. */
  async #progressEdit(text: string): Promise<void> {
    const { pacer, statusApi, logger } = this.#deps;
    try {
      await statusApi.editMessageText(this.#chatId, this.#messageId, text);
      this.#shown = text;
    } catch (error) {
      if (isNotModified(error)) {
        this.#shown = text;
        return;
      }
      const wait = retryAfterSeconds(error);
      if (wait === undefined) throw error; // the core logs it; the job goes on
      pacer.block(this.#chatId, wait);
      logger.info('status edit rate limited; skipping progress edits', {
        chat: this.#chatId,
        retryAfter: wait,
      });
    } finally {
      pacer.done(this.#chatId);
    }
  }
}
