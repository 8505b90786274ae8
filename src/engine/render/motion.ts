/**
 * Motion on a photo: the only per-frame work a photo costs.
 *
 * - Pans are a moving `crop` of a wider working image (no pixels touched), in whole-pixel steps
 *   of an even speed when that keeps the crop modest.
 * - Zooms scale the working image to a size that grows 2 px at a time, the height in proportion,
 *   then crop the centre: the centre never shifts by half a pixel and the picture only ever moves
 *   one way. zoompan, by contrast, rounds its crop position in source pixels every frame, which
 *   is the jitter it is known for. A size holds for about two frames, so only the frames where it
 *   changes are scaled (`select`), and `fps` repeats them as references: ~4 ms of bilinear
 *   scaling per changed frame at 1080p.
 */
import type { Motion } from '../draft.ts';
import type { Frame } from './frames.ts';
import { even, filter, num } from './graph.ts';

/** How far a zoom goes: the working image is this much larger than the frame. */
export const zoomFactor = 1.15;
/** How far a pan travels at least, as a share of the frame's width. */
const panShare = 0.15;
/** Pans whose whole-pixel speed would travel further than this share of the width go slower. */
const panLimit = 0.4;

export interface MotionPlan {
  /** The working image's size. */
  box: [width: number, height: number];
  /** Per-frame filters from the working image (frame n at pts n) to the frame. */
  filters: string[];
}

export function motionPlan(motion: Motion, frames: number, frame: Frame): MotionPlan {
  const { width, height } = frame;
  const last = Math.max(1, frames - 1);
  switch (motion) {
    case 'zoom_in':
    case 'zoom_out': {
      const boxWidth = even(width * zoomFactor);
      const boxHeight = even(height * zoomFactor);
      // How far each side has grown by frame `number`, in whole pixels.
      const grown = (number: string) => {
        const progress = motion === 'zoom_in' ? `min(${number}/${last},1)` : `max(1-${number}/${last},0)`;
        return `round(${(boxWidth - width) / 2}*${progress})`;
      };
      // After select, `n` has gaps: `t` still says which frame of the segment this is.
      const number = `round(t*${frame.fps})`;
      return {
        box: [boxWidth, boxHeight],
        filters: [
          filter('select', { expr: `eq(n,0)+eq(n,${last})+not(eq(${grown('n')},${grown('(n-1)')}))` }),
          filter('scale', {
            w: `${width}+2*${grown(number)}`,
            h: `${height}+2*round(${grown(number)}*${num(height / width)})`,
            eval: 'frame',
            flags: 'bilinear',
          }),
          filter('crop', { w: width, h: height, exact: 1 }),
        ],
      };
    }
    case 'pan_left':
    case 'pan_right': {
      const perFrame = Math.max(1, Math.round((width * panShare) / frames));
      const travel = perFrame * frames <= width * panLimit ? perFrame * last : Math.round(width * panShare);
      const position = motion === 'pan_right' ? `min(n/${last},1)` : `max(1-n/${last},0)`;
      return {
        box: [even(width + travel + 1), height],
        filters: [filter('crop', { w: width, h: height, x: `round(${travel}*${position})`, y: 0, exact: 1 })],
      };
    }
    default:
      return { box: [width, height], filters: [] };
  }
}
