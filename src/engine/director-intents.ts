/**
 * What the director understood an instruction to ask for, before it touches a draft. The phrase
 * readers produce these; the editor applies them.
 */
import type { AspectRatio, Motion } from './draft.ts';

export type TextRole = 'title' | 'caption';
/** Which existing texts an edit or removal is about; `all` for "the text". */
export type TextTarget = TextRole | 'all';
export type TextPosition = 'top' | 'center' | 'bottom';
export type TextSize = 'small' | 'medium' | 'large';

/** When a text shows, resolved against the video's length once that is known. */
export type TextTiming =
  | { kind: 'first'; ms: number }
  | { kind: 'last'; ms: number }
  | { kind: 'range'; startMs: number; endMs: number }
  | { kind: 'from'; startMs: number }
  | { kind: 'for'; ms: number }
  | { kind: 'whole' };

export interface TextLook {
  position?: TextPosition;
  size?: TextSize;
  timing?: TextTiming;
}

/** A photo or clip by its 1-based place in the video, or the last one. */
export type Place = number | 'last';

export type OrderChange =
  | { op: 'reverse' }
  | { op: 'move'; from: Place; to: Place }
  | { op: 'swap'; a: Place; b: Place };

export type Intent =
  | { kind: 'make' }
  | { kind: 'total'; ms: number }
  | { kind: 'perPhoto'; ms: number }
  | { kind: 'aspect'; aspect: AspectRatio }
  | { kind: 'transition'; style?: string; durationMs?: number }
  | { kind: 'motion'; motion: Motion }
  | { kind: 'pace'; pace: 'faster' | 'slower' }
  | { kind: 'order'; change: OrderChange }
  | { kind: 'music' }
  | { kind: 'musicVolume'; percent?: number; delta?: number }
  | { kind: 'musicFade'; inMs?: number; outMs?: number }
  | { kind: 'removeMusic' }
  | ({ kind: 'text'; role: TextRole; text: string } & TextLook)
  | ({ kind: 'textEdit'; target: TextTarget } & TextLook)
  | { kind: 'removeText'; target: TextTarget };

/** An intent and where its phrase starts, so later phrases win over earlier ones. */
export interface Found {
  at: number;
  intent: Intent;
}
