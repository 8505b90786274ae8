/**
 * The sound track: the music segment looped (by the demuxer, so nothing is held in memory) and
 * trimmed to its place in the video, loudness-normalised, set to its volume and faded; silence
 * elsewhere. There is always an AAC track, silent without music, so every player (and every check)
 * finds one. The clips' own sound is not used.
 *
 * Loudness: EBU R128, in two passes. A quick first pass (ebur128, ~0.2 s for a 30 s video) measures
 * the music as it will be used; the render then applies one static gain that brings it to
 * -16 LUFS, capped so its peaks stay under -1 dBFS. That is loudnorm's "linear" mode without its
 * cost: single-pass loudnorm works at 192 kHz and took a full second of CPU per 30 s of music
 * here (the render's budget is ~3 s on top of x264), and its dynamic mode pumps.
 */
import type { EngineDraft, MusicSegment } from '../draft.ts';
import { chain, filter } from './graph.ts';
import type { AddInput } from './visual.ts';

export const sampleRate = 48_000;
export const targetLufs = -16;
export const peakCeilingDb = -1;
/** The gain never goes beyond these (near-silent music is not blown up into noise). */
const gainLimits = [-30, 24] as const;

export interface MusicWindow {
  music: MusicSegment;
  /** Seconds into the video. */
  start: number;
  length: number;
}

/** Where the music plays, clipped to the video; undefined when it does not play at all. */
export function musicWindow(draft: EngineDraft, durationSeconds: number): MusicWindow | undefined {
  const music = draft.t[1].sg[0];
  if (!music) return undefined;
  const start = music.m.start / 1000;
  const length = Math.min(music.d / 1000, durationSeconds - start);
  return length > 0 ? { music, start, length } : undefined;
}

/** The music as the render uses it, up to (not including) the loudness filter. */
function source(length: number): string[] {
  return [
    filter('aresample', { out_sample_rate: sampleRate }),
    filter('aformat', { sample_fmts: 'fltp', sample_rates: sampleRate, channel_layouts: 'stereo' }),
    filter('atrim', { duration: length }),
    filter('asetpts', { expr: 'N/SR/TB' }),
  ];
}

/** ffmpeg arguments of the measuring pass (its per-frame log stays at verbose); stderr → `normalisingGain`. */
export function loudnessArgs(path: string, length: number): string[] {
  const graph = `[0:a]${[...source(length), filter('ebur128', { peak: 'sample', framelog: 'verbose' })].join(',')}`;
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-stream_loop',
    '-1',
    '-i',
    path,
    '-filter_complex',
    graph,
    '-f',
    'null',
    '-',
  ];
}

/** The gain (dB) that brings the measured music to the target; 0 when nothing was measured. */
export function normalisingGain(stderr: string): number {
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const integrated = Number(/\bI:\s+(-?[\d.]+|-inf) LUFS/.exec(summary)?.[1]);
  const peak = Number(/\bPeak:\s+(-?[\d.]+|-inf) dBFS/.exec(summary)?.[1]);
  // ebur128 says -70 LUFS for silence.
  if (!Number.isFinite(integrated) || integrated <= -70) return 0;
  const gain = Math.min(targetLufs - integrated, Number.isFinite(peak) ? peakCeilingDb - peak : 0);
  return Math.round(Math.min(gainLimits[1], Math.max(gainLimits[0], gain)) * 10) / 10;
}

export function buildAudio(
  window: MusicWindow | undefined,
  durationSeconds: number,
  gainDb: number,
  addInput: AddInput,
  mediaPath: (id: string) => string,
): { chains: string[]; label: string } {
  const end = filter('atrim', { duration: durationSeconds });
  if (!window) {
    const silence = filter('anullsrc', { channel_layout: 'stereo', sample_rate: sampleRate });
    return { chains: [chain([], [silence, end], 'aout')], label: 'aout' };
  }
  const { music, start, length } = window;
  const path = mediaPath(music.m.media);
  const input = addInput(['-stream_loop', '-1', '-i', path], path, music.m.name);
  // Fades longer than the music share it.
  const requested = music.m.fadeInMs / 1000 + music.m.fadeOutMs / 1000;
  const share = requested > length ? length / requested : 1;
  const fadeIn = (music.m.fadeInMs / 1000) * share;
  const fadeOut = (music.m.fadeOutMs / 1000) * share;
  const delay = Math.round(start * 1000);
  const filters = [
    ...source(length),
    filter('volume', { volume: `${gainDb}dB` }),
    filter('volume', { volume: music.m.volume }),
    ...(fadeIn > 0 ? [filter('afade', { t: 'in', st: 0, d: fadeIn })] : []),
    ...(fadeOut > 0 ? [filter('afade', { t: 'out', st: length - fadeOut, d: fadeOut })] : []),
    ...(delay > 0 ? [filter('adelay', { delays: `${delay}`, all: 1 })] : []),
    filter('apad'),
    end,
  ];
  return { chains: [chain([`${input}:a`], filters, 'aout')], label: 'aout' };
}
