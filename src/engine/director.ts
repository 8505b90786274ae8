/**
 * The local engine's director: turns an instruction in English or Simplified Chinese into an edit
 * of the draft and says what it did. Deterministic: no randomness, no clock, no I/O, so the same
 * instruction on the same draft and uploads always gives the same result.
 *
 * Reading phrases is director-parse*.ts, applying them director-edits.ts (with the timing
 * arithmetic in director-timeline.ts), and the wording director-replies.ts.
 */
import type { Language } from '../core/seam.ts';
import { applyIntents } from './director-edits.ts';
import { readInstruction } from './director-parse.ts';
import { describeEdits, describeFailure } from './director-replies.ts';
import type { EngineDraft } from './draft.ts';
import type { MediaItem } from './media.ts';

/** One edit; the engine streams it as an ADK functionCall/functionResponse pair. */
export interface DirectorAction {
  name: string;
  args: Record<string, unknown>;
}

export interface DirectorResult {
  /** The new draft; the very object passed in when nothing changed. */
  draft: EngineDraft | null;
  /** What to tell the person, in the language asked for. */
  reply: string;
  /** One per edit applied, in the order applied. */
  actions: DirectorAction[];
  understood: boolean;
}

export function direct(input: {
  instruction: string;
  draft: EngineDraft | null;
  media: MediaItem[];
  language: Language;
}): DirectorResult {
  const found = readInstruction(input.instruction);
  const edited = applyIntents(found, input.draft, input.media);
  const understood = edited.actions.length > 0 || edited.notes.length > 0;
  if (!understood || edited.draft === null) {
    const noMedia = input.draft === null && edited.problems.some((problem) => problem.kind === 'noVisual');
    return {
      draft: input.draft,
      reply: describeFailure(edited.problems, noMedia, input.language),
      actions: [],
      understood: false,
    };
  }
  // A note that something already holds only matters when nothing else was done.
  const notes =
    edited.actions.length > 0 ? edited.notes.filter((note) => note.kind !== 'musicAlready') : edited.notes;
  return {
    draft: edited.actions.length > 0 ? edited.draft : input.draft,
    reply: describeEdits(edited.draft, edited.actions, edited.problems, notes, input.language),
    actions: edited.actions,
    understood: true,
  };
}
