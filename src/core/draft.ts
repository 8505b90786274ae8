/**
 * Reads NemoVideo's draft (the timeline behind a session) for people: the summary `/status` shows,
 * and the lines that report an edit the agent made without saying a word.
 *
 * Only part of the format is documented, so every field is read defensively: a shape we don't
 * know makes the text vaguer, never the bot crash.
 */
import type { Language } from './seam.ts';

export type TrackKind = 'video' | 'audio' | 'text' | 'other';

export interface TimelineSegment {
  startMs: number;
  durationMs: number;
  label?: string;
  /** 0–100. */
  volume?: number;
}

export interface TimelineTrack {
  kind: TrackKind;
  segments: TimelineSegment[];
}

// ---------------------------------------------------------------------------------------------
// Reading

type Json = Record<string, unknown>;

const kindByTrackType = new Map<number, TrackKind>([
  [0, 'video'],
  [1, 'audio'],
  [7, 'text'],
]);

/** Integer starts from here up are milliseconds; smaller or fractional ones are seconds. */
const firstMillisecondStart = 100;

/** Long on-screen texts are cut so one subtitle can't flood a summary. */
const labelLimit = 60;

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** A finite number, also from a numeric string (some payloads quote their numbers). */
function asNumber(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}

function asLabel(value: unknown): string | undefined {
  const raw = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof raw !== 'string') return undefined;
  const oneLine = raw.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return undefined;
  const codePoints = [...oneLine];
  return codePoints.length > labelLimit ? `${codePoints.slice(0, labelLimit - 1).join('')}…` : oneLine;
}

/**
 * Durations are milliseconds, and starts usually are too, but some drafts carry seconds. A start
 * of 3 ms is meaningless while 3 s is common, and the short videos made here rarely place anything
 * 100 s in, so small or fractional values are taken as seconds.
 */
function startToMs(value: number): number {
  const ms = Number.isInteger(value) && value >= firstMillisecondStart ? value : value * 1000;
  return Math.max(0, ms);
}

/** Volume arrives as a fraction (0–1, where 1 is full) or as a percentage (0–100). */
function volumePercent(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const percent = value <= 1 ? value * 100 : value;
  return Math.round(Math.min(100, Math.max(0, percent)));
}

function readSegment(raw: unknown, kind: TrackKind, previousEndMs: number): TimelineSegment | undefined {
  const segment = asObject(raw);
  if (!segment) return undefined;
  const metadata = asObject(segment.m) ?? {};
  const explicitStart = [segment.s, segment.st, segment.start, metadata.start]
    .map(asNumber)
    .find((value) => value !== undefined);
  // On-screen text is what a text segment shows; elsewhere the name says more than a caption.
  const labelFields = kind === 'text' ? ['text', 'title', 'name'] : ['name', 'title', 'text'];
  const label = labelFields.map((field) => asLabel(metadata[field])).find((value) => value !== undefined);
  const volume = volumePercent(asNumber(metadata.volume));
  return {
    startMs: explicitStart === undefined ? previousEndMs : startToMs(explicitStart),
    durationMs: Math.max(0, asNumber(segment.d) ?? 0),
    ...(label !== undefined && { label }),
    ...(volume !== undefined && { volume }),
  };
}

function readTrack(raw: unknown): TimelineTrack | undefined {
  const track = asObject(raw);
  if (!track) return undefined;
  const kind = kindByTrackType.get(asNumber(track.tt) ?? Number.NaN) ?? 'other';
  const segments: TimelineSegment[] = [];
  // A segment without its own start follows the one before it.
  let endMs = 0;
  for (const rawSegment of Array.isArray(track.sg) ? track.sg : []) {
    const segment = readSegment(rawSegment, kind, endMs);
    if (!segment) continue;
    segments.push(segment);
    endMs = segment.startMs + segment.durationMs;
  }
  return { kind, segments };
}

/** The draft's tracks in their order; anything unreadable is skipped, garbage gives []. */
export function readTimeline(draft: unknown): TimelineTrack[] {
  const tracks = asObject(draft)?.t;
  if (!Array.isArray(tracks)) return [];
  return tracks.map(readTrack).filter((track) => track !== undefined);
}

/** NemoVideo renders a draft once some track holds a segment. */
export function isExportable(draft: unknown): boolean {
  return readTimeline(draft).some((track) => track.segments.length > 0);
}

// ---------------------------------------------------------------------------------------------
// Wording

/** The parts of a timeline a change line names; other tracks only show as "timeline updated". */
type Lane = 'video' | 'audio' | 'text';
type Change = 'added' | 'changed' | 'updated' | 'removed' | 'volume';

interface Wording {
  trackNames: Record<TrackKind, string>;
  count: Record<TrackKind, (count: number) => string>;
  header(trackCount: number): string;
  nothingYet: string;
  seconds(value: string): string;
  quote(text: string): string;
  listSeparator: string;
  /** Wraps the time range and volume after a track's content. */
  details(parts: string[]): string;
  partSeparator: string;
  colon: string;
  change(change: Change, lane: Lane): string;
  timelineUpdated: string;
}

const plural = (singular: string) => (count: number) => `${count} ${singular}${count === 1 ? '' : 's'}`;

const englishLaneNames: Record<Lane, string> = { video: 'Video', audio: 'Music', text: 'Title' };
const chineseLaneNames: Record<Lane, string> = { video: '视频', audio: '背景音乐', text: '标题' };

const chineseChanges: Record<Change, (name: string) => string> = {
  added: (name) => `已添加${name}`,
  changed: (name) => `${name}已修改`,
  updated: (name) => `${name}已更新`,
  removed: (name) => `已删除${name}`,
  volume: (name) => `${name}音量`,
};

const wordings: Record<Language, Wording> = {
  en: {
    trackNames: { video: 'Video', audio: 'BGM', text: 'Title', other: 'Other' },
    count: { video: plural('clip'), audio: plural('clip'), text: plural('title'), other: plural('item') },
    header: (count) => `Timeline (${count} ${count === 1 ? 'track' : 'tracks'}):`,
    nothingYet: 'Nothing has been made yet: send a few photos or describe the video you want.',
    seconds: (value) => `${value}s`,
    quote: (text) => `"${text}"`,
    listSeparator: ', ',
    details: (parts) => ` (${parts.join(', ')})`,
    partSeparator: ', ',
    colon: ': ',
    change: (change, lane) =>
      change === 'added' && lane === 'video' ? 'Video created' : `${englishLaneNames[lane]} ${change}`,
    timelineUpdated: 'Timeline updated',
  },
  zh: {
    trackNames: { video: '视频', audio: '背景音乐', text: '标题', other: '其他' },
    count: {
      video: (count) => `${count} 个片段`,
      audio: (count) => `${count} 个片段`,
      text: (count) => `${count} 个标题`,
      other: (count) => `${count} 项`,
    },
    header: (count) => `时间线（${count} 条轨道）：`,
    nothingYet: '还没有制作任何内容：发几张照片，或者描述一下你想要的视频。',
    seconds: (value) => `${value}秒`,
    quote: (text) => `“${text}”`,
    listSeparator: '、',
    details: (parts) => `（${parts.join('，')}）`,
    partSeparator: '，',
    colon: '：',
    change: (change, lane) =>
      change === 'added' && lane === 'video' ? '已生成视频' : chineseChanges[change](chineseLaneNames[lane]),
    timelineUpdated: '时间线已更新',
  },
};

// ---------------------------------------------------------------------------------------------
// Describing segments

/** Seconds to one decimal, without a needless `.0`. */
function formatSeconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

function extent(segments: TimelineSegment[]): { startMs: number; endMs: number } {
  return segments.reduce(
    (span, segment) => ({
      startMs: Math.min(span.startMs, segment.startMs),
      endMs: Math.max(span.endMs, segment.startMs + segment.durationMs),
    }),
    { startMs: Number.POSITIVE_INFINITY, endMs: 0 },
  );
}

function timeRange(segments: TimelineSegment[], words: Wording): string {
  const { startMs, endMs } = extent(segments);
  return words.seconds(`${formatSeconds(startMs)}-${formatSeconds(endMs)}`);
}

/** The volume all the segments share, if they share one. */
function sharedVolume(segments: TimelineSegment[]): number | undefined {
  const volumes = new Set(segments.map((segment) => segment.volume));
  const [only] = volumes;
  return volumes.size === 1 ? only : undefined;
}

/** The names when there are a few and all have one, otherwise how many there are. */
function contentOf(kind: TrackKind, segments: TimelineSegment[], words: Wording): string {
  const labels = segments.map((segment) => segment.label);
  if (segments.length > 3 || !labels.every((label) => label !== undefined)) {
    return words.count[kind](segments.length);
  }
  return labels.map((label) => (kind === 'text' ? words.quote(label) : label)).join(words.listSeparator);
}

/** `Lo-fi (0-10s, 35%)`: content, time range, and volume for music. */
function describeSegments(kind: TrackKind, segments: TimelineSegment[], words: Wording): string {
  const volume = kind === 'audio' ? sharedVolume(segments) : undefined;
  const parts = [timeRange(segments, words), ...(volume === undefined ? [] : [`${volume}%`])];
  return `${contentOf(kind, segments, words)}${words.details(parts)}`;
}

/** `5s` for one clip, `3 clips, 0-30s` for several: what changes when a video is (re)made. */
function describeVideo(segments: TimelineSegment[], words: Wording): string {
  if (segments.length === 1) return words.seconds(formatSeconds(extent(segments).endMs));
  return `${words.count.video(segments.length)}${words.partSeparator}${timeRange(segments, words)}`;
}

// ---------------------------------------------------------------------------------------------
// Summary and changes

/** The timeline as a numbered list, one line per track that holds something. */
export function summarizeTimeline(draft: unknown, language: Language): string {
  const words = wordings[language];
  const tracks = readTimeline(draft).filter((track) => track.segments.length > 0);
  if (tracks.length === 0) return words.nothingYet;
  const lines = tracks.map(
    (track, index) =>
      `${index + 1}. ${words.trackNames[track.kind]}${words.colon}${describeSegments(track.kind, track.segments, words)}`,
  );
  return [words.header(tracks.length), ...lines].join('\n');
}

/** Structural equality that ignores key order, so a re-serialized but unchanged draft is unchanged. */
function deepEqual(a: unknown, b: unknown, path = new Set<object>()): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  // A cycle can't come from JSON; comparing it as unequal beats recursing forever.
  if (Array.isArray(a) !== Array.isArray(b) || path.has(a)) return false;
  const [left, right] = [a as Json, b as Json];
  const keys = Object.keys(left);
  path.add(a);
  const equal =
    keys.length === Object.keys(right).length &&
    keys.every((key) => Object.hasOwn(right, key) && deepEqual(left[key], right[key], path));
  path.delete(a);
  return equal;
}

/** Every segment of one lane, across however many tracks carry it, in time order. */
function laneSegments(timeline: TimelineTrack[], lane: Lane): TimelineSegment[] {
  return timeline
    .filter((track) => track.kind === lane)
    .flatMap((track) => track.segments)
    .toSorted((a, b) => a.startMs - b.startMs);
}

function laneChanges(
  lane: Lane,
  before: TimelineSegment[],
  after: TimelineSegment[],
  words: Wording,
): string[] {
  const line = (change: Change, detail?: string) =>
    detail === undefined
      ? words.change(change, lane)
      : `${words.change(change, lane)}${words.colon}${detail}`;
  const describe = (segments: TimelineSegment[]) =>
    lane === 'video' ? describeVideo(segments, words) : describeSegments(lane, segments, words);

  if (before.length === 0) return after.length === 0 ? [] : [line('added', describe(after))];
  if (after.length === 0) return [line('removed')];
  if (deepEqual(before, after)) return [];

  const lines: string[] = [];
  // Video clips are named after uploads; their names say little, so a video is only "updated".
  if (lane !== 'video') {
    const [from, to] = [contentOf(lane, before, words), contentOf(lane, after, words)];
    if (from !== to) lines.push(line('changed', `${from} → ${to}`));
  }
  const [volumeBefore, volumeAfter] = [sharedVolume(before), sharedVolume(after)];
  if (
    lane === 'audio' &&
    volumeBefore !== undefined &&
    volumeAfter !== undefined &&
    volumeBefore !== volumeAfter
  ) {
    lines.push(line('volume', `${volumeBefore}% → ${volumeAfter}%`));
  }
  return lines.length > 0 ? lines : [line('updated', describe(after))];
}

const lanes: readonly Lane[] = ['video', 'audio', 'text'];

/**
 * What an edit changed, one `✅` line each, for the edits that end without a word from the agent.
 * Differences outside video, music and titles are reported as a generic timeline update; no
 * difference at all gives [], and so do two drafts that both hold nothing (no draft yet, and an
 * empty one).
 */
export function describeChanges(before: unknown, after: unknown, language: Language): string[] {
  const words = wordings[language];
  const [timelineBefore, timelineAfter] = [readTimeline(before), readTimeline(after)];
  const lines = lanes.flatMap((lane) =>
    laneChanges(lane, laneSegments(timelineBefore, lane), laneSegments(timelineAfter, lane), words),
  );
  const eitherHoldsSomething = isExportable(before) || isExportable(after);
  if (lines.length === 0 && eitherHoldsSomething && !deepEqual(before, after))
    lines.push(words.timelineUpdated);
  return lines.map((line) => `✅ ${line}`);
}
