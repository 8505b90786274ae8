/**
 * The local engine's draft: NemoVideo's documented timeline format (`t` tracks with `tt` types and
 * `sg` segments of `d` milliseconds with `m` metadata), filled with the fields the engine's own
 * renderer needs. Anything reading NemoVideo drafts (the bot's /status) reads these too.
 *
 * The director writes drafts, the renderer reads them; this schema is their contract, and it is
 * checked before every render so a malformed draft fails clearly instead of hanging ffmpeg.
 */
import { z } from 'zod';

export const trackTypes = { visual: 0, music: 1, text: 7 } as const;

export const aspectRatios = {
  '16:9': { width: 1920, height: 1080 },
  '9:16': { width: 1080, height: 1920 },
  '1:1': { width: 1080, height: 1080 },
  '4:5': { width: 1080, height: 1350 },
} as const;
export type AspectRatio = keyof typeof aspectRatios;

export const motions = ['zoom_in', 'zoom_out', 'pan_left', 'pan_right', 'none'] as const;
export type Motion = (typeof motions)[number];

/** Transition names are ffmpeg xfade transitions (fade, wipeleft, slideup, circleopen, …) or `none`. */
export const transitionSchema = z.object({
  style: z.string().regex(/^[a-z]+$/),
  durationMs: z.number().int().min(0).max(3000),
});

const visualSegment = z.object({
  d: z.number().int().positive(),
  m: z.object({
    /** The media id in the engine's store (never a path). */
    media: z.string().regex(/^[a-f0-9]{32}$/),
    kind: z.enum(['image', 'video']),
    /** The name the person gave the file, for summaries. */
    name: z.string(),
    motion: z.enum(motions).optional(),
  }),
});

const musicSegment = z.object({
  d: z.number().int().positive(),
  m: z.object({
    media: z.string().regex(/^[a-f0-9]{32}$/),
    name: z.string(),
    /** 0–1. */
    volume: z.number().min(0).max(1),
    fadeInMs: z.number().int().min(0),
    fadeOutMs: z.number().int().min(0),
    start: z.number().int().min(0),
  }),
});

const textSegment = z.object({
  d: z.number().int().positive(),
  m: z.object({
    text: z.string().min(1).max(200),
    /** Milliseconds from the start of the video. */
    start: z.number().int().min(0),
    position: z.enum(['top', 'center', 'bottom']),
    size: z.enum(['small', 'medium', 'large']),
  }),
});

export const engineDraftSchema = z.object({
  t: z.tuple([
    z.object({ tt: z.literal(trackTypes.visual), sg: z.array(visualSegment).min(1) }),
    z.object({ tt: z.literal(trackTypes.music), sg: z.array(musicSegment).max(1) }),
    z.object({ tt: z.literal(trackTypes.text), sg: z.array(textSegment) }),
  ]),
  m: z.object({
    title: z.string().optional(),
    aspect: z.enum(Object.keys(aspectRatios) as [AspectRatio, ...AspectRatio[]]),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    fps: z.literal(30),
    transition: transitionSchema,
    motion: z.enum(motions),
  }),
});

export type EngineDraft = z.infer<typeof engineDraftSchema>;
export type VisualSegment = z.infer<typeof visualSegment>;
export type MusicSegment = z.infer<typeof musicSegment>;
export type TextSegment = z.infer<typeof textSegment>;

/** Total running time: segments overlap by the transition between them. */
export function draftDurationMs(draft: EngineDraft): number {
  const visuals = draft.t[0].sg;
  const total = visuals.reduce((sum, segment) => sum + segment.d, 0);
  const overlaps =
    draft.m.transition.style === 'none' ? 0 : (visuals.length - 1) * draft.m.transition.durationMs;
  return total - overlaps;
}
