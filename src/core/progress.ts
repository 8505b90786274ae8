/**
 * The status message that keeps a person company while the backend works.
 *
 * It appears at once, is edited on a steady cadence with the elapsed time and what the backend
 * is doing, and always ends with a final word so nothing is left saying "working".
 */
import type { Logger } from '../log.ts';
import { formatElapsed, messages } from './messages.ts';
import type { Language, ReplySurface, StatusMessage } from './seam.ts';

export type Activity = keyof ReturnType<typeof messages>['activity'];

/** A short, neutral hint for a backend tool name; never the raw name or its arguments. */
export function activityForTool(name: string): Activity {
  const lower = name.toLowerCase();
  if (/bgm|music|audio|sound|song/.test(lower)) return 'music';
  if (/title|text|caption|subtitle|font/.test(lower)) return 'title';
  if (/upload|import/.test(lower)) return 'upload';
  if (/render|export/.test(lower)) return 'render';
  if (/analy|understand|detect|describe/.test(lower)) return 'analyze';
  if (/generat|create|video|clip|image|animate/.test(lower)) return 'generate';
  return 'edit';
}

export class Progress {
  readonly #status: StatusMessage;
  readonly #language: Language;
  readonly #logger: Logger;
  readonly #startedAt = Date.now();
  #timer: NodeJS.Timeout | undefined;
  #activity: Activity | undefined;
  /** Custom text that replaces the "still working" line (render progress, queue position). */
  #line: string | undefined;
  #finished = false;

  private constructor(status: StatusMessage, language: Language, logger: Logger) {
    this.#status = status;
    this.#language = language;
    this.#logger = logger;
  }

  static async start(
    surface: ReplySurface,
    language: Language,
    intervalMs: number,
    logger: Logger,
    firstLine = messages(language).working,
  ): Promise<Progress> {
    const progress = new Progress(await surface.postStatus(firstLine), language, logger);
    progress.#timer = setInterval(() => void progress.#tick(), intervalMs);
    progress.#timer.unref();
    return progress;
  }

  /** Whether the status has had its last word (later words must be posted as messages). */
  get finished(): boolean {
    return this.#finished;
  }

  get elapsedMs(): number {
    return Date.now() - this.#startedAt;
  }

  /** What the backend is doing now; shown at the next tick. */
  setActivity(activity: Activity): void {
    this.#activity = activity;
  }

  /**
   * Replaces the "still working" line from the next tick on (undefined restores it). Edits happen
   * only on ticks, so the status never changes faster than the configured cadence.
   */
  setLine(text: string | undefined): void {
    this.#line = text;
  }

  async finish(text: string): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    clearInterval(this.#timer);
    await this.#status.finish(text);
  }

  async #tick(): Promise<void> {
    if (this.#finished) return;
    const text = messages(this.#language);
    const line =
      this.#line ??
      text.stillWorking({
        elapsed: formatElapsed(this.elapsedMs),
        activity: this.#activity ? text.activity[this.#activity] : '',
      });
    try {
      await this.#status.update(line);
    } catch (error) {
      // A missed progress edit is harmless; the work goes on.
      this.#logger.warn('status update failed', { error });
    }
  }
}
