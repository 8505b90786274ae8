/**
 * Photos are decoded and scaled ONCE, before the render, by a small ffmpeg each (run in parallel):
 * turned upright (EXIF, orientation.ts), scaled to the working size of their motion, covering it, or fitted on a blurred copy of
 * themselves when the shapes differ a lot (a 4:3 photo in a vertical video); converted to
 * BT.709 limited-range YUV (the output is tagged so) and written as one raw yuv420p frame (Y4M).
 * The render reads that frame with no decoding and repeats it with `loop`, which hands out
 * references to the same picture.
 *
 * Done inside the render instead, ffmpeg would decode every photo twice (probing, then for real)
 * before the first frame, one after the other while x264 waits.
 */
import { join } from 'node:path';
import type { EngineDraft } from '../draft.ts';
import { type Frame, segmentFrames } from './frames.ts';
import { chain, even, filter, num } from './graph.ts';
import { motionPlan } from './motion.ts';
import { photoInfo, uprightFilters } from './orientation.ts';

/** A photo fills the frame (cropping) when its shape is this close to the frame's. */
export const coverLimit = 1.34;

export interface Still {
  /** The photo as stored, and the name the person gave it. */
  source: string;
  name: string;
  /** The composed frame (Y4M) the render reads. */
  path: string;
  /** ffmpeg arguments that write it. */
  args: string[];
}

export function stillPath(directory: string, segment: number): string {
  return join(directory, `still-${segment}.y4m`);
}

/** The stills of a draft's photos; `directory` is the render's private temporary folder. */
export async function planStills(
  draft: EngineDraft,
  frame: Frame,
  mediaPath: (id: string) => string,
  directory: string,
): Promise<Still[]> {
  const stills: Still[] = [];
  for (const [index, segment] of draft.t[0].sg.entries()) {
    if (segment.m.kind !== 'image') continue;
    const frames = segmentFrames(segment.d, frame.fps);
    const { box } = motionPlan(segment.m.motion ?? draft.m.motion, frames, frame);
    const source = mediaPath(segment.m.media);
    const path = stillPath(directory, index);
    const info = await photoInfo(source);
    // Known to cover (most photos: the frame's shape, near enough): no backdrop to compose.
    const covers =
      info.width && info.height ? mismatch(info.width / info.height, box[0] / box[1]) <= coverLimit : false;
    const graph = covers
      ? coverGraph(box[0], box[1], uprightFilters(info.orientation))
      : composeGraph(box[0], box[1], uprightFilters(info.orientation));
    stills.push({
      source,
      name: segment.m.name,
      path,
      args: [
        ...['-noautorotate', '-i', source, '-filter_complex', graph, '-map', '[still]'],
        ...['-frames:v', '1', '-f', 'yuv4mpegpipe', path],
      ],
    });
  }
  return stills;
}

function mismatch(a: number, b: number): number {
  return Math.max(a / b, b / a);
}

/** Input 0's first frame, turned upright, covering the box, as `[still]`. */
export function coverGraph(boxWidth: number, boxHeight: number, upright: string[] = []): string {
  return chain(
    ['0:v'],
    [
      filter('trim', { end_frame: 1 }),
      ...upright,
      filter('scale', {
        w: boxWidth,
        h: boxHeight,
        force_original_aspect_ratio: 'increase',
        flags: 'lanczos',
      }),
      filter('setsar', { r: 1 }),
      filter('crop', { w: boxWidth, h: boxHeight }),
      ...toBt709,
    ],
    'still',
  );
}

/** RGB, then BT.709 limited-range YUV: the matrix the output is tagged with, whatever the photo's. */
const toBt709 = [
  filter('format', { pix_fmts: 'gbrp' }),
  filter('scale', { out_color_matrix: 'bt709', out_range: 'tv' }),
  filter('format', { pix_fmts: 'yuv420p' }),
];

/** Scale expressions that make a picture cover a box, or fit in it when the shapes are far apart. */
export function coverOrFit(boxWidth: number, boxHeight: number): { w: string; h: string } {
  const ratio = num(boxWidth / boxHeight);
  // The box's height sets the size when the picture is wider and covers, or narrower and fits.
  const byHeight = `eq(gt(dar,${ratio}),lte(max(dar/${ratio},${ratio}/dar),${coverLimit}))`;
  return {
    w: `2*ceil(if(${byHeight},${boxHeight}*dar,${boxWidth})/2)`,
    h: `2*ceil(if(${byHeight},${boxHeight},${boxWidth}/dar)/2)`,
  };
}

/**
 * Input 0's first frame (an animated GIF keeps it), turned upright, composed at the box size, as
 * `[still]`.
 */
export function composeGraph(boxWidth: number, boxHeight: number, upright: string[] = []): string {
  const size = coverOrFit(boxWidth, boxHeight);
  const blurWidth = even(boxWidth / 8);
  const blurHeight = even(boxHeight / 8);
  return [
    chain(
      ['0:v'],
      [filter('trim', { end_frame: 1 }), ...upright, filter('split', { outputs: 2 })],
      ['picture', 'backdrop'],
    ),
    // The backdrop: a small covering copy, blurred, darkened and enlarged; hidden when the photo covers.
    chain(
      ['backdrop'],
      [
        filter('scale', {
          w: blurWidth,
          h: blurHeight,
          force_original_aspect_ratio: 'increase',
          flags: 'bilinear',
        }),
        filter('crop', { w: blurWidth, h: blurHeight }),
        filter('boxblur', { luma_radius: Math.max(2, Math.round(blurHeight / 10)), luma_power: 2 }),
        filter('eq', { brightness: -0.08 }),
        filter('scale', { w: boxWidth, h: boxHeight, flags: 'bilinear' }),
        filter('setsar', { r: 1 }),
      ],
      'blurred',
    ),
    chain(
      ['picture'],
      [
        filter('scale', { w: size.w, h: size.h, flags: 'lanczos' }),
        filter('setsar', { r: 1 }),
        filter('crop', { w: `min(iw,${boxWidth})`, h: `min(ih,${boxHeight})` }),
      ],
      'scaled',
    ),
    chain(
      ['blurred', 'scaled'],
      [filter('overlay', { x: '(W-w)/2', y: '(H-h)/2', format: 'gbrp' }), ...toBt709.slice(1)],
      'still',
    ),
  ].join(';');
}
