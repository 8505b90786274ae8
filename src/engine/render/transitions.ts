/**
 * Joining the segments' streams: concat, or transitions where consecutive segments overlap.
 *
 * xfade has no 4:2:0 in ffmpeg 5.1, so every frame through it is converted to 4:4:4 and back,
 * and its `fade` is float maths: ~25 ms a frame at 1080p. So each stream is split into its head,
 * body and tail (references, no copies); only a tail and the next head go through the transition,
 * and everything is concatenated: body, transition, body, … The length is the segments' minus the
 * overlaps, as `draftDurationMs` says. `fade`, the usual one, is an alpha fade overlaid instead
 * (~5 ms a frame); every other style is ffmpeg's xfade of that name.
 */
import type { EngineDraft } from '../draft.ts';
import { RenderFailure } from './failure.ts';
import { type Frame, overlapFrames } from './frames.ts';
import { chain, filter } from './graph.ts';

/** The transitions of ffmpeg 5.1's xfade (`custom` needs expressions, so it is not offered). */
export const xfadeTransitions: readonly string[] = [
  ...['fade', 'wipeleft', 'wiperight', 'wipeup', 'wipedown', 'slideleft', 'slideright', 'slideup'],
  ...['slidedown', 'circlecrop', 'rectcrop', 'distance', 'fadeblack', 'fadewhite', 'radial', 'smoothleft'],
  ...['smoothright', 'smoothup', 'smoothdown', 'circleopen', 'circleclose', 'vertopen', 'vertclose'],
  ...['horzopen', 'horzclose', 'dissolve', 'pixelize', 'diagtl', 'diagtr', 'diagbl', 'diagbr', 'hlslice'],
  ...['hrslice', 'vuslice', 'vdslice', 'hblur', 'fadegrays', 'wipetl', 'wipetr', 'wipebl', 'wipebr'],
  ...['squeezeh', 'squeezev', 'zoomin', 'fadefast', 'fadeslow'],
];

export interface Stream {
  label: string;
  frames: number;
  durationMs: number;
}

/** Joins the streams into `[vjoined]` (yuv420p); returns its label and length in frames. */
export function joinStreams(
  streams: Stream[],
  draft: EngineDraft,
  frame: Frame,
  chains: string[],
): { label: string; frames: number } {
  const [first, ...rest] = streams;
  if (!first) throw new RenderFailure('the video has no photos or clips');
  if (rest.length === 0) return first;
  const overlap = overlapFrames(draft);
  const total = streams.reduce((sum, stream) => sum + stream.frames, 0) - (streams.length - 1) * overlap;
  const yuv420p = filter('format', { pix_fmts: 'yuv420p' });
  if (overlap === 0) {
    const concat = filter('concat', { n: streams.length, v: 1, a: 0 });
    chains.push(
      chain(
        streams.map((stream) => stream.label),
        [concat, yuv420p],
        'vjoined',
      ),
    );
    return { label: 'vjoined', frames: total };
  }
  const { style, durationMs } = draft.m.transition;
  if (!xfadeTransitions.includes(style)) {
    throw new RenderFailure(`the transition “${style}” is not one ffmpeg's xfade knows`);
  }
  const short = streams.findIndex((stream) => stream.frames <= overlap);
  if (short >= 0) {
    const segment = streams[short]?.durationMs;
    throw new RenderFailure(
      `the ${durationMs} ms transition is as long as segment ${short + 1} (${segment} ms)`,
    );
  }
  const bodies = streams.map(
    (stream, index) => stream.frames - (index > 0 ? overlap : 0) - (index < streams.length - 1 ? overlap : 0),
  );
  if (bodies.some((body) => body < 1)) {
    chains.push(...chainedXfades(streams, overlap, style, frame));
    return { label: 'vjoined', frames: total };
  }

  const pieces: string[] = [];
  streams.forEach((stream, index) => {
    const start = index > 0 ? overlap : 0;
    const end = start + (bodies[index] as number);
    const parts: Array<[label: string, trim: Record<string, number>]> = [];
    if (index > 0) parts.push([`${stream.label}h`, { end_frame: overlap }]);
    parts.push([`${stream.label}m`, { start_frame: start, end_frame: end }]);
    if (index < streams.length - 1) parts.push([`${stream.label}t`, { start_frame: end }]);
    const split = filter('split', { outputs: parts.length });
    chains.push(
      chain(
        [stream.label],
        [split],
        parts.map(([label]) => `${label}s`),
      ),
    );
    for (const [label, trim] of parts) {
      chains.push(
        chain([`${label}s`], [filter('trim', trim), filter('setpts', { expr: 'PTS-STARTPTS' })], label),
      );
    }
    if (index > 0) {
      const previous = streams[index - 1] as Stream;
      chains.push(
        ...transition(`${previous.label}t`, `${stream.label}h`, `x${index}`, style, overlap / frame.fps),
      );
      pieces.push(`x${index}`);
    }
    pieces.push(`${stream.label}m`);
  });
  // Without the format, concat may settle on xfade's 4:4:4 for everything.
  chains.push(chain(pieces, [filter('concat', { n: pieces.length, v: 1, a: 0 }), yuv420p], 'vjoined'));
  return { label: 'vjoined', frames: total };
}

/** One transition between two streams as long as it (`seconds`). */
function transition(from: string, to: string, output: string, style: string, seconds: number): string[] {
  const yuv420p = filter('format', { pix_fmts: 'yuv420p' });
  if (style === 'fade') {
    const fadeIn = [
      filter('format', { pix_fmts: 'yuva420p' }),
      filter('fade', { t: 'in', st: 0, d: seconds, alpha: 1 }),
    ];
    return [
      chain([to], fadeIn, `${output}a`),
      chain([from, `${output}a`], [filter('overlay', { format: 'yuv420', shortest: 1 }), yuv420p], output),
    ];
  }
  return [
    chain(
      [from, to],
      [filter('xfade', { transition: style, duration: seconds, offset: 0 }), yuv420p],
      output,
    ),
  ];
}

/**
 * Transitions longer than half a segment overlap one another; then xfade works on whole streams,
 * offsets being the length so far minus the overlap.
 */
function chainedXfades(streams: Stream[], overlap: number, style: string, frame: Frame): string[] {
  const chains: string[] = [];
  let label = (streams[0] as Stream).label;
  let frames = (streams[0] as Stream).frames;
  streams.slice(1).forEach((stream, index) => {
    const output = `vx${index + 1}`;
    const offset = (frames - overlap) / frame.fps;
    const xfade = filter('xfade', { transition: style, duration: overlap / frame.fps, offset });
    chains.push(chain([label, stream.label], [xfade], output));
    label = output;
    frames += stream.frames - overlap;
  });
  chains.push(chain([label], [filter('format', { pix_fmts: 'yuv420p' })], 'vjoined'));
  return chains;
}
