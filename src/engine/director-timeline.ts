/**
 * Timing arithmetic for drafts: building one from uploads, fitting segment lengths to a total
 * (transitions overlap neighbouring segments), and keeping music and texts within the video.
 * Every segment stays longer than the transition, and every length is a whole millisecond.
 */
import type { TextTiming } from './director-intents.ts';
import { aspectRatios, draftDurationMs, type EngineDraft, type TextSegment, trackTypes } from './draft.ts';
import type { MediaItem } from './media.ts';

export const defaultTransition = { style: 'fade', durationMs: 600 } as const;
export const photoMs = 3000;
export const clipCapMs = 10_000;
export const transitionRangeMs = { min: 200, max: 2000 } as const;
export const totalRangeMs = { min: 1000, max: 600_000 } as const;
export const photoRangeMs = { min: 500, max: 60_000 } as const;
export const titleMs = 3000;
/** How much longer than the transition every segment is at least. */
const marginMs = 100;

export const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

function overlapMs(draft: EngineDraft): number {
  return draft.m.transition.style === 'none' ? 0 : draft.m.transition.durationMs;
}

export function minSegmentMs(draft: EngineDraft): number {
  return overlapMs(draft) + marginMs;
}

/** A fresh draft from the photos and clips, in upload order, with the defaults. */
export function buildDraft(visuals: MediaItem[]): EngineDraft {
  const draft: EngineDraft = {
    t: [
      {
        tt: trackTypes.visual,
        sg: visuals.map((item) => ({
          d: item.kind === 'video' ? Math.min(Math.round(item.durationMs ?? photoMs), clipCapMs) : photoMs,
          m: {
            media: item.id,
            kind: item.kind === 'video' ? 'video' : 'image',
            name: item.name,
            motion: item.kind === 'video' ? 'none' : 'zoom_in',
          },
        })),
      },
      { tt: trackTypes.music, sg: [] },
      { tt: trackTypes.text, sg: [] },
    ],
    m: {
      aspect: '16:9',
      ...aspectRatios['16:9'],
      fps: 30,
      transition: { ...defaultTransition },
      motion: 'zoom_in',
    },
  };
  raiseShortSegments(draft);
  capTotal(draft);
  return draft;
}

/** Lengthens any segment not longer than the transition (a short clip, a long transition). */
export function raiseShortSegments(draft: EngineDraft): void {
  const min = minSegmentMs(draft);
  for (const segment of draft.t[0].sg) segment.d = Math.max(segment.d, min);
}

/**
 * Splits `sum` in proportion to `weights`, none below `min`, in whole milliseconds with the
 * rounding remainder on the last. The caller makes sure `min * weights.length <= sum`.
 */
export function distribute(weights: number[], sum: number, min: number): number[] {
  const fixed = weights.map(() => false);
  for (;;) {
    const free = weights.flatMap((weight, index) => (fixed[index] ? [] : [{ weight, index }]));
    const remaining = sum - (weights.length - free.length) * min;
    const freeWeight = free.reduce((total, item) => total + item.weight, 0);
    const short = free.filter((item) => (item.weight * remaining) / freeWeight < min);
    if (short.length === 0 || short.length === free.length) {
      for (const item of short) fixed[item.index] = true;
      const exact = weights.map((weight, index) =>
        fixed[index] ? min : (weight * (sum - fixed.filter(Boolean).length * min)) / freeWeight,
      );
      const whole = exact.map((value) => Math.floor(value));
      const allButLast = whole.slice(0, -1).reduce((total, value) => total + value, 0);
      whole[whole.length - 1] = sum - allButLast;
      return whole;
    }
    for (const item of short) fixed[item.index] = true;
  }
}

/**
 * Sets segment lengths so the video runs `requestedMs` exactly (within the allowed range). A
 * total too short for the transitions shortens them first. Returns the total it set.
 */
export function fitTotal(draft: EngineDraft, requestedMs: number): number {
  const segments = draft.t[0].sg;
  const count = segments.length;
  const transition = draft.m.transition;
  let total = clamp(Math.round(requestedMs), totalRangeMs.min, totalRangeMs.max);
  if (transition.style !== 'none' && total < transition.durationMs + count * marginMs) {
    transition.durationMs = Math.max(transitionRangeMs.min, total - count * marginMs);
  }
  total = Math.max(total, overlapMs(draft) + count * marginMs);
  const sum = total + (count - 1) * overlapMs(draft);
  const lengths = distribute(
    segments.map((segment) => segment.d),
    sum,
    minSegmentMs(draft),
  );
  for (const [index, segment] of segments.entries()) segment.d = lengths[index] ?? segment.d;
  return draftDurationMs(draft);
}

/** Every photo (not clip) shows for `requestedMs`; a transition too long for that is shortened. */
export function fitPhotos(draft: EngineDraft, requestedMs: number): number {
  let ms = clamp(Math.round(requestedMs), photoRangeMs.min, photoRangeMs.max);
  const transition = draft.m.transition;
  if (transition.style !== 'none' && ms < transition.durationMs + marginMs) {
    transition.durationMs = Math.max(transitionRangeMs.min, ms - marginMs);
  }
  ms = Math.max(ms, minSegmentMs(draft));
  for (const segment of draft.t[0].sg) if (segment.m.kind === 'image') segment.d = ms;
  raiseShortSegments(draft);
  capTotal(draft);
  return draft.t[0].sg.find((segment) => segment.m.kind === 'image')?.d ?? ms;
}

/** Keeps the video within the longest allowed length. */
export function capTotal(draft: EngineDraft): void {
  if (draftDurationMs(draft) > totalRangeMs.max) fitTotal(draft, totalRangeMs.max);
}

/** Every segment times `factor`, none shorter than the transition allows. */
export function scaleSegments(draft: EngineDraft, factor: number): void {
  const min = minSegmentMs(draft);
  for (const segment of draft.t[0].sg) segment.d = Math.max(min, Math.round(segment.d * factor));
  capTotal(draft);
}

/** Where and how long a text shows, from a timing phrase, in a video `videoMs` long. */
export function placeText(
  timing: TextTiming | undefined,
  videoMs: number,
  base: { start: number; d: number },
): { start: number; d: number } {
  const placed = (() => {
    switch (timing?.kind) {
      case undefined:
        return base;
      case 'first':
        return { start: 0, d: timing.ms };
      case 'last':
        return { start: videoMs - timing.ms, d: timing.ms };
      case 'range':
        return { start: timing.startMs, d: timing.endMs - timing.startMs };
      case 'from':
        return { start: timing.startMs, d: videoMs - timing.startMs };
      case 'for':
        return { start: base.start, d: timing.ms };
      case 'whole':
        return { start: 0, d: videoMs };
    }
  })();
  return clampText(placed, videoMs);
}

/** Starts within the video (a text starting past the end keeps its length and ends with it). */
function clampText(text: { start: number; d: number }, videoMs: number): { start: number; d: number } {
  let start = Math.max(0, Math.round(text.start));
  if (start >= videoMs) start = Math.max(0, videoMs - Math.round(text.d));
  return { start, d: clamp(Math.round(text.d), 1, videoMs - start) };
}

/**
 * After the visuals changed: music runs the whole video (the renderer loops or trims it) with
 * fades that fit, captions that ran the whole video still do, and no text runs past the end.
 */
export function settle(draft: EngineDraft, previousMs: number | undefined): void {
  const videoMs = draftDurationMs(draft);
  for (const music of draft.t[1].sg) {
    music.d = videoMs;
    music.m.start = 0;
    const half = Math.floor(videoMs / 2);
    music.m.fadeInMs = Math.min(music.m.fadeInMs, half);
    music.m.fadeOutMs = Math.min(music.m.fadeOutMs, half);
  }
  draft.t[2].sg = draft.t[2].sg.map((text): TextSegment => {
    // Captions that ran the whole video keep doing so; a title keeps its own few seconds.
    const isTitle = draft.m.title !== undefined && text.m.text === draft.m.title;
    const wasWhole = previousMs !== undefined && !isTitle && text.m.start === 0 && text.d >= previousMs;
    const { start, d } = clampText({ start: text.m.start, d: wasWhole ? videoMs : text.d }, videoMs);
    return { d, m: { ...text.m, start } };
  });
}
