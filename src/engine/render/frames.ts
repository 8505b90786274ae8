/** Output geometry and timing: every segment is a whole number of frames. */
import type { EngineDraft } from '../draft.ts';

export interface Frame {
  width: number;
  height: number;
  fps: number;
}

export function segmentFrames(durationMs: number, fps: number): number {
  return Math.max(1, Math.round((durationMs * fps) / 1000));
}

/** The frames two segments share in a transition; 0 when they are simply joined. */
export function overlapFrames(draft: EngineDraft): number {
  const { style, durationMs } = draft.m.transition;
  return style === 'none' || durationMs === 0 ? 0 : segmentFrames(durationMs, draft.m.fps);
}

/** The video's length in frames: the segments' minus the transitions' overlaps. */
export function videoFrames(draft: EngineDraft): number {
  const segments = draft.t[0].sg;
  const total = segments.reduce((sum, segment) => sum + segmentFrames(segment.d, draft.m.fps), 0);
  return total - (segments.length - 1) * overlapFrames(draft);
}
