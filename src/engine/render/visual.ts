/**
 * The visual track as a filtergraph: each segment becomes a stream of exactly its frames at the
 * output size and 30 fps (a photo from its still, see stills.ts, with its motion; a clip trimmed,
 * scaled and padded), and the streams are joined (transitions.ts).
 */
import type { EngineDraft } from '../draft.ts';
import { type Frame, segmentFrames } from './frames.ts';
import { chain, filter, num } from './graph.ts';
import { motionPlan } from './motion.ts';
import { coverOrFit, stillPath } from './stills.ts';
import { joinStreams, type Stream } from './transitions.ts';

/** Registers an ffmpeg input; returns its index. */
export type AddInput = (args: string[], path: string, name: string) => number;

export interface VisualPlan {
  chains: string[];
  /** The label of the joined stream. */
  label: string;
  frames: number;
}

export function buildVisual(
  draft: EngineDraft,
  frame: Frame,
  addInput: AddInput,
  mediaPath: (id: string) => string,
  directory: string,
): VisualPlan {
  const chains: string[] = [];
  const streams: Stream[] = draft.t[0].sg.map((segment, index) => {
    const frames = segmentFrames(segment.d, frame.fps);
    const label = `v${index}`;
    if (segment.m.kind === 'image') {
      const still = stillPath(directory, index);
      const input = addInput(['-i', still], still, segment.m.name);
      const { filters } = motionPlan(segment.m.motion ?? draft.m.motion, frames, frame);
      chains.push(photoChain(input, label, frames, filters, frame));
    } else {
      // Read a little more than needed; a shorter clip holds its last frame.
      const path = mediaPath(segment.m.media);
      const input = addInput(['-t', num(segment.d / 1000 + 1), '-i', path], path, segment.m.name);
      chains.push(clipChain(input, label, frames, frame));
    }
    return { label, frames, durationMs: segment.d };
  });
  return { chains, ...joinStreams(streams, draft, frame, chains) };
}

/** The still repeated (as references to one frame) for the segment's frames, then its motion. */
function photoChain(input: number, label: string, frames: number, motion: string[], frame: Frame): string {
  return chain(
    [`${input}:v`],
    [
      filter('loop', { loop: frames - 1, size: 1, start: 0 }),
      filter('settb', { expr: `1/${frame.fps}` }),
      filter('setpts', { expr: 'N' }),
      ...motion,
      // Scaling keeps a picture's shape by changing its pixels' (zoom rounds differently every
      // frame); they are square, and a constant SAR spares everything downstream a reinit.
      filter('setsar', { r: 1 }),
      filter('fps', { fps: frame.fps }),
      // Pinned, or format negotiation may carry xfade's 4:4:4 up into the zoom.
      filter('format', { pix_fmts: 'yuv420p' }),
    ],
    label,
  );
}

/** A clip: its first `frames` at 30 fps, covering the frame or fitted on black; its sound unused. */
function clipChain(input: number, label: string, frames: number, frame: Frame): string {
  const { width, height, fps } = frame;
  const size = coverOrFit(width, height);
  return chain(
    [`${input}:v`],
    [
      filter('setpts', { expr: 'PTS-STARTPTS' }),
      filter('fps', { fps }),
      filter('scale', { w: size.w, h: size.h, out_color_matrix: 'bt709', out_range: 'tv' }),
      filter('setsar', { r: 1 }),
      filter('crop', { w: `min(iw,${width})`, h: `min(ih,${height})` }),
      filter('pad', { w: width, h: height, x: '(ow-iw)/2', y: '(oh-ih)/2', color: 'black' }),
      filter('format', { pix_fmts: 'yuv420p' }),
      filter('tpad', { stop_mode: 'clone', stop_duration: num(frames / fps) }),
      filter('trim', { end_frame: frames }),
      filter('settb', { expr: `1/${fps}` }),
      filter('setpts', { expr: 'N' }),
      filter('fps', { fps }),
      filter('format', { pix_fmts: 'yuv420p' }),
    ],
    label,
  );
}
