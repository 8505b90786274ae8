/** Helpers shared by the fault, bad-input, secrets and access tests (test/faults/). */
import { messages } from '../../src/core/messages.ts';
import type { RecordingSurface } from './recording-surface.ts';

/** A small seeded generator (mulberry32), so "random" cut points are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The last thing the person read: the last text, or the last word of a status, whichever came last. */
export function lastWord(surface: RecordingSurface): string | undefined {
  for (const entry of [...surface.posted].reverse()) {
    if (entry.kind === 'text' || entry.kind === 'finish') return entry.text;
    if (entry.kind === 'video') return entry.caption;
  }
  return undefined;
}

/** Statuses posted but never given their last word (a person would see "working" forever). */
export function unfinishedStatuses(surface: RecordingSurface): number[] {
  const finished = new Set(surface.posted.flatMap((entry) => (entry.kind === 'finish' ? [entry.id] : [])));
  return surface.posted.flatMap((entry) =>
    entry.kind === 'status' && !finished.has(entry.id) ? [entry.id] : [],
  );
}

/** Every error sentence of the catalog, both languages: what a clear failure reads like. */
export const errorSentences: ReadonlySet<string> = new Set(
  (['en', 'zh'] as const).flatMap((language) =>
    Object.values(messages(language).errors).filter((value): value is string => typeof value === 'string'),
  ),
);

/** What must never reach a person: raw JSON, HTTP codes, stack traces, HTML, tokens. */
export const rawLeak = /[{}]|HTTP \d|\bError\b|\n\s+at |<html|<\/|nmv_|undefined|\[object/;

export { until } from './until.ts';
