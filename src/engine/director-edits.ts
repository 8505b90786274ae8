/**
 * Applies what the director understood to a copy of the draft, in an order where each edit sees
 * what it depends on (lengths after transitions, music and texts after lengths), and records one
 * action per edit. What it can't do becomes a problem; what already holds becomes a note.
 */
import type { DirectorAction } from './director.ts';
import type { Found, Intent, OrderChange, Place, TextTarget } from './director-intents.ts';
import {
  buildDraft,
  clamp,
  defaultTransition,
  fitPhotos,
  fitTotal,
  placeText,
  raiseShortSegments,
  scaleSegments,
  settle,
  titleMs,
  transitionRangeMs,
} from './director-timeline.ts';
import {
  aspectRatios,
  draftDurationMs,
  type EngineDraft,
  type MusicSegment,
  type TextSegment,
} from './draft.ts';
import type { MediaItem } from './media.ts';

export type Problem =
  | { kind: 'noVisual' }
  | { kind: 'noAudio' }
  | { kind: 'noSuchPhoto'; count: number }
  | { kind: 'noText'; target: TextTarget };

export type Note =
  | { kind: 'nothingToRemove'; what: 'music' | TextTarget }
  | { kind: 'musicAlready'; name: string };

export interface Edited {
  draft: EngineDraft | null;
  actions: DirectorAction[];
  problems: Problem[];
  notes: Note[];
}

/** Music volume when music is first added, 0–1. */
export const defaultMusicVolume = 0.8;
export const defaultFadeOutMs = 1000;
export const paceFactors = { faster: 0.75, slower: 1.33 } as const;

interface Work {
  draft: EngineDraft;
  media: MediaItem[];
  actions: DirectorAction[];
  problems: Problem[];
  notes: Note[];
}

type Of<K extends Intent['kind']> = Extract<Intent, { kind: K }>;

function all<K extends Intent['kind']>(found: Found[], kind: K): Of<K>[] {
  return found.flatMap(({ intent }) => (intent.kind === kind ? [intent as Of<K>] : []));
}

function last<K extends Intent['kind']>(found: Found[], kind: K): Of<K> | undefined {
  return all(found, kind).at(-1);
}

function act(work: Work, name: string, args: Record<string, unknown>): void {
  work.actions.push({ name, args });
}

function problem(work: { problems: Problem[] }, found: Problem): void {
  const key = JSON.stringify(found);
  if (!work.problems.some((known) => JSON.stringify(known) === key)) work.problems.push(found);
}

const visualsOf = (media: MediaItem[]) =>
  media.filter((item) => item.kind === 'image' || item.kind === 'video');

// ---------------------------------------------------------------------------------------------
// Order

function indexOf(place: Place, count: number): number | undefined {
  const position = place === 'last' ? count : place;
  return position >= 1 && position <= count ? position - 1 : undefined;
}

function reorder(work: Work, change: OrderChange): void {
  const segments = work.draft.t[0].sg;
  const count = segments.length;
  const names = (indexes: number[]) => indexes.map((index) => segments[index]?.m.name ?? '');
  const record = (args: Record<string, unknown>) =>
    act(work, 'reorder', { ...args, order: work.draft.t[0].sg.map((segment) => segment.m.media) });
  if (change.op === 'reverse') {
    segments.reverse();
    record({ op: 'reverse' });
    return;
  }
  const [first, second] =
    change.op === 'swap'
      ? [indexOf(change.a, count), indexOf(change.b, count)]
      : [indexOf(change.from, count), indexOf(change.to, count)];
  if (first === undefined || second === undefined) {
    problem(work, { kind: 'noSuchPhoto', count });
    return;
  }
  if (change.op === 'swap') {
    const [a, b] = [segments[first], segments[second]];
    if (a && b) [segments[first], segments[second]] = [b, a];
    record({ op: 'swap', a: first + 1, b: second + 1, names: names([second, first]) });
    return;
  }
  const [moved] = segments.splice(first, 1);
  if (moved) segments.splice(second, 0, moved);
  record({
    op: 'move',
    from: first + 1,
    to: second + 1,
    last: second === count - 1,
    names: [moved?.m.name ?? ''],
  });
}

// ---------------------------------------------------------------------------------------------
// Look: shape, transitions, motion

function setTransition(work: Work, intents: Of<'transition'>[], keepLength: boolean): void {
  const style = intents.findLast((intent) => intent.style !== undefined)?.style;
  const requestedMs = intents.findLast((intent) => intent.durationMs !== undefined)?.durationMs;
  const transition = work.draft.m.transition;
  const before = draftDurationMs(work.draft);
  const nextStyle = style ?? (transition.style === 'none' ? defaultTransition.style : transition.style);
  const currentMs = transition.durationMs > 0 ? transition.durationMs : defaultTransition.durationMs;
  work.draft.m.transition =
    nextStyle === 'none'
      ? { style: 'none', durationMs: 0 }
      : {
          style: nextStyle,
          durationMs: clamp(
            Math.round(requestedMs ?? currentMs),
            transitionRangeMs.min,
            transitionRangeMs.max,
          ),
        };
  if (keepLength) fitTotal(work.draft, before);
  else raiseShortSegments(work.draft);
  act(work, 'set_transition', { ...work.draft.m.transition });
}

function setMotion(work: Work, motion: Of<'motion'>['motion']): void {
  work.draft.m.motion = motion;
  for (const segment of work.draft.t[0].sg) if (segment.m.kind === 'image') segment.m.motion = motion;
  act(work, 'set_motion', { motion });
}

// ---------------------------------------------------------------------------------------------
// Lengths

function setLengths(work: Work, found: Found[]): void {
  const perPhoto = last(found, 'perPhoto');
  const total = last(found, 'total');
  const pace = last(found, 'pace');
  if (perPhoto) {
    const transitionBefore = work.draft.m.transition.durationMs;
    const ms = fitPhotos(work.draft, perPhoto.ms);
    act(work, 'set_photo_duration', {
      durationMs: ms,
      totalMs: draftDurationMs(work.draft),
      ...(work.draft.m.transition.durationMs !== transitionBefore && {
        transitionMs: work.draft.m.transition.durationMs,
      }),
    });
  }
  if (total) {
    const transitionBefore = work.draft.m.transition.durationMs;
    const ms = fitTotal(work.draft, total.ms);
    act(work, 'set_duration', {
      durationMs: ms,
      ...(ms !== Math.round(total.ms) && { requestedMs: Math.round(total.ms) }),
      ...(work.draft.m.transition.durationMs !== transitionBefore && {
        transitionMs: work.draft.m.transition.durationMs,
      }),
    });
  }
  if (pace && !perPhoto && !total) {
    scaleSegments(work.draft, paceFactors[pace.pace]);
    act(work, 'change_pace', {
      pace: pace.pace,
      factor: paceFactors[pace.pace],
      durationMs: draftDurationMs(work.draft),
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Music

function lastAudio(media: MediaItem[]): MediaItem | undefined {
  return media.findLast((item) => item.kind === 'audio');
}

/** The music segment, added from the last uploaded audio file when there is none yet. */
function ensureMusic(work: Work): MusicSegment | undefined {
  const existing = work.draft.t[1].sg[0];
  if (existing) return existing;
  const audio = lastAudio(work.media);
  if (!audio) {
    problem(work, { kind: 'noAudio' });
    return undefined;
  }
  const segment: MusicSegment = {
    d: draftDurationMs(work.draft),
    m: {
      media: audio.id,
      name: audio.name,
      volume: defaultMusicVolume,
      fadeInMs: 0,
      fadeOutMs: defaultFadeOutMs,
      start: 0,
    },
  };
  work.draft.t[1].sg = [segment];
  act(work, 'add_music', { media: audio.id, name: audio.name, volume: segment.m.volume });
  return segment;
}

function addMusic(work: Work): void {
  const audio = lastAudio(work.media);
  const existing = work.draft.t[1].sg[0];
  if (existing && audio && existing.m.media !== audio.id) {
    existing.m = { ...existing.m, media: audio.id, name: audio.name };
    act(work, 'add_music', { media: audio.id, name: audio.name, volume: existing.m.volume });
  } else if (existing) {
    work.notes.push({ kind: 'musicAlready', name: existing.m.name });
  } else {
    ensureMusic(work);
  }
}

function applyMusic(work: Work, intent: Intent): void {
  if (intent.kind === 'removeMusic') {
    if (work.draft.t[1].sg.length === 0) work.notes.push({ kind: 'nothingToRemove', what: 'music' });
    else {
      work.draft.t[1].sg = [];
      act(work, 'remove_music', {});
    }
  } else if (intent.kind === 'music') {
    addMusic(work);
  } else if (intent.kind === 'musicVolume') {
    const music = ensureMusic(work);
    if (!music) return;
    const percent = intent.percent ?? Math.round(music.m.volume * 100) + (intent.delta ?? 0);
    music.m.volume = clamp(Math.round(percent), 0, 100) / 100;
    act(work, 'set_music_volume', { volume: music.m.volume });
  } else if (intent.kind === 'musicFade') {
    const music = ensureMusic(work);
    if (!music) return;
    if (intent.inMs !== undefined) music.m.fadeInMs = Math.round(intent.inMs);
    if (intent.outMs !== undefined) music.m.fadeOutMs = Math.round(intent.outMs);
    const half = Math.floor(music.d / 2);
    music.m.fadeInMs = Math.min(music.m.fadeInMs, half);
    music.m.fadeOutMs = Math.min(music.m.fadeOutMs, half);
    act(work, 'set_music_fade', { fadeInMs: music.m.fadeInMs, fadeOutMs: music.m.fadeOutMs });
  }
}

// ---------------------------------------------------------------------------------------------
// Texts

const titleLimit = 200;

function isTitle(draft: EngineDraft, segment: TextSegment): boolean {
  return draft.m.title !== undefined && segment.m.text === draft.m.title;
}

function matches(draft: EngineDraft, segment: TextSegment, target: TextTarget): boolean {
  if (target === 'all') return true;
  return (target === 'title') === isTitle(draft, segment);
}

function textArgs(segment: TextSegment): Record<string, unknown> {
  const { text, position, size, start } = segment.m;
  return { text, position, size, startMs: start, durationMs: segment.d };
}

function addText(work: Work, intent: Of<'text'>): void {
  const draft = work.draft;
  const videoMs = draftDurationMs(draft);
  const text = [...intent.text].slice(0, titleLimit).join('');
  const segments = draft.t[2].sg;
  if (intent.role === 'title') {
    const index = segments.findIndex((segment) => isTitle(draft, segment));
    const existing = segments[index];
    const base = existing
      ? { start: existing.m.start, d: existing.d }
      : { start: 0, d: Math.min(titleMs, videoMs) };
    const { start, d } = placeText(intent.timing, videoMs, base);
    const segment: TextSegment = {
      d,
      m: {
        text,
        start,
        position: intent.position ?? existing?.m.position ?? 'center',
        size: intent.size ?? existing?.m.size ?? 'large',
      },
    };
    if (existing) segments[index] = segment;
    else segments.unshift(segment);
    draft.m.title = text;
    act(work, 'set_title', textArgs(segment));
    return;
  }
  const { start, d } = placeText(intent.timing, videoMs, { start: 0, d: videoMs });
  const segment: TextSegment = {
    d,
    m: { text, start, position: intent.position ?? 'bottom', size: intent.size ?? 'medium' },
  };
  // A caption replaces the captions it would cover: same place on screen, overlapping in time.
  draft.t[2].sg = segments.filter(
    (other) =>
      isTitle(draft, other) ||
      other.m.position !== segment.m.position ||
      other.m.start >= start + d ||
      other.m.start + other.d <= start,
  );
  draft.t[2].sg.push(segment);
  act(work, 'add_caption', textArgs(segment));
}

function editText(work: Work, intent: Of<'textEdit'>): void {
  const draft = work.draft;
  const videoMs = draftDurationMs(draft);
  const targets = draft.t[2].sg.filter((segment) => matches(draft, segment, intent.target));
  if (targets.length === 0) {
    problem(work, { kind: 'noText', target: intent.target });
    return;
  }
  for (const segment of targets) {
    const { start, d } = placeText(intent.timing, videoMs, { start: segment.m.start, d: segment.d });
    segment.d = d;
    segment.m = {
      ...segment.m,
      start,
      ...(intent.position && { position: intent.position }),
      ...(intent.size && { size: intent.size }),
    };
  }
  const [first] = targets;
  act(work, 'update_text', {
    target: intent.target,
    ...(intent.position && { position: intent.position }),
    ...(intent.size && { size: intent.size }),
    ...(intent.timing && first && { startMs: first.m.start, durationMs: first.d }),
  });
}

function removeText(work: Work, target: TextTarget): void {
  const draft = work.draft;
  const kept = draft.t[2].sg.filter((segment) => !matches(draft, segment, target));
  if (kept.length === draft.t[2].sg.length) {
    work.notes.push({ kind: 'nothingToRemove', what: target });
    return;
  }
  const titleGone = !kept.some((segment) => isTitle(draft, segment));
  draft.t[2].sg = kept;
  if (titleGone) delete draft.m.title;
  act(
    work,
    target === 'title' ? 'remove_title' : target === 'caption' ? 'remove_captions' : 'remove_text',
    {},
  );
}

function applyText(work: Work, intent: Intent): void {
  if (intent.kind === 'text') addText(work, intent);
  else if (intent.kind === 'textEdit') editText(work, intent);
  else if (intent.kind === 'removeText') removeText(work, intent.target);
}

// ---------------------------------------------------------------------------------------------

/**
 * Applies `found` to a copy of `draft`. With no draft, or when asked to make a video, a new draft
 * is built from the uploaded photos and clips first.
 */
export function applyIntents(found: Found[], draft: EngineDraft | null, media: MediaItem[]): Edited {
  const visuals = visualsOf(media);
  const asked = found.some(({ intent }) => intent.kind === 'make');
  const building = (draft === null || asked) && visuals.length > 0;
  if (!building && draft === null) return { draft, actions: [], problems: [{ kind: 'noVisual' }], notes: [] };
  const work: Work = {
    draft: building || draft === null ? buildDraft(visuals) : structuredClone(draft),
    media,
    actions: [],
    problems: [],
    notes: [],
  };
  if (asked && !building) problem(work, { kind: 'noVisual' });
  if (building) {
    const photos = visuals.filter((item) => item.kind === 'image').length;
    act(work, 'make_video', {
      media: visuals.map((item) => item.id),
      photos,
      clips: visuals.length - photos,
    });
  }
  const previousMs = building || draft === null ? undefined : draftDurationMs(draft);

  for (const { intent } of found) if (intent.kind === 'order') reorder(work, intent.change);
  const aspect = last(found, 'aspect');
  if (aspect) {
    work.draft.m = { ...work.draft.m, aspect: aspect.aspect, ...aspectRatios[aspect.aspect] };
    act(work, 'set_aspect', { aspect: aspect.aspect, ...aspectRatios[aspect.aspect] });
  }
  const transitions = all(found, 'transition');
  // A new video keeps 3 s a photo whatever the transition; an edit keeps the video's length.
  if (transitions.length > 0) setTransition(work, transitions, !building);
  const motion = last(found, 'motion');
  if (motion) setMotion(work, motion.motion);
  setLengths(work, found);
  settle(work.draft, previousMs);
  for (const { intent } of found) applyMusic(work, intent);
  for (const { intent } of found) applyText(work, intent);
  settle(work.draft, undefined);
  return { draft: work.draft, actions: work.actions, problems: work.problems, notes: work.notes };
}
