/**
 * Turns the stream's text deltas into chat messages.
 *
 * Each finished backend message is cleaned of GUI instructions and split to the platform's length.
 * The newest message is held only until the stream says anything else (or a moment passes), so a
 * two-stage generation ("the raw video is ready… now adding music") reaches the person as it
 * happens, while the last message can still carry the action buttons. A trailing "temporary issue" apology after a normal
 * answer is dropped: the backend adds it spuriously.
 */
import { translateGuiInstructions } from './gui.ts';
import { messages } from './messages.ts';
import type { Action, Language, ReplySurface } from './seam.ts';
import { splitMessage } from './text.ts';

/** How long a finished message waits for the stream's next word before it is posted anyway. */
const holdMs = 1_500;

/**
 * The most chat messages one backend message may become. A runaway answer (a 10 MB event) would
 * otherwise post thousands of messages and hold the channel for hours behind the platform's rate
 * limits; past this many, the rest is cut and the person is pointed to /status.
 */
const maxPiecesPerMessage = 8;

const spuriousApology =
  /encountered a temporary issue|temporary (issue|problem|error)|暂时.{0,6}(问题|错误)|临时问题/i;

export class ReplyCollector {
  readonly #surface: ReplySurface;
  readonly #language: Language;
  #current = '';
  #held: string | undefined;
  #holdTimer: NodeJS.Timeout | undefined;
  #posted = 0;

  constructor(surface: ReplySurface, language: Language) {
    this.#surface = surface;
    this.#language = language;
  }

  /** Whether the backend said anything (false means a silent completion). */
  get spoke(): boolean {
    return this.#posted > 0 || this.#held !== undefined;
  }

  async add(text: string, final: boolean, replace = false): Promise<void> {
    this.#current = replace ? text : this.#current + text;
    if (final) await this.#finishMessage();
  }

  /** Something other than text arrived: the held message was not the last one. */
  async release(): Promise<void> {
    await this.#postHeld();
  }

  /** A tool call ends the message in progress too. */
  async boundary(): Promise<void> {
    await this.#finishMessage();
    await this.#postHeld();
  }

  /** Posts what is left, with `actions` on the last message; `completed` says the stream ended normally. */
  async flush(completed: boolean, actions: Action[]): Promise<void> {
    await this.#finishMessage();
    clearTimeout(this.#holdTimer);
    const last = this.#held;
    this.#held = undefined;
    if (last === undefined) return;
    if (completed && this.#posted > 0 && spuriousApology.test(last)) return;
    await this.#post(last, actions);
  }

  async #finishMessage(): Promise<void> {
    const message = this.#current.trim();
    this.#current = '';
    if (!message) return;
    await this.#postHeld();
    this.#held = message;
    this.#holdTimer = setTimeout(() => void this.#postHeld(), holdMs);
  }

  async #postHeld(): Promise<void> {
    clearTimeout(this.#holdTimer);
    const held = this.#held;
    this.#held = undefined;
    if (held !== undefined) await this.#post(held, []);
  }

  async #post(message: string, actions: Action[]): Promise<void> {
    const limit = this.#surface.maxMessageLength;
    // Only what can be shown is read further: a few pieces' worth, cut between UTF-16 pairs.
    let budget = limit * maxPiecesPerMessage;
    if (/[\uD800-\uDBFF]/.test(message.charAt(budget - 1))) budget -= 1;
    const shown = message.length > budget ? message.slice(0, budget) : message;
    let pieces = splitMessage(translateGuiInstructions(shown, this.#language), limit);
    if (shown !== message || pieces.length > maxPiecesPerMessage) {
      pieces = [...pieces.slice(0, maxPiecesPerMessage), messages(this.#language).replyShortened];
    }
    for (const [index, piece] of pieces.entries()) {
      await this.#surface.postText(piece, index === pieces.length - 1 ? actions : []);
      this.#posted += 1;
    }
  }
}
