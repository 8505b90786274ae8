/**
 * Titles and captions burned in with drawtext. The text goes through a file (`textfile`, with
 * `expansion=none`), so quotes, colons, percent signs and backslashes in a title need no escaping.
 * drawtext neither wraps nor centres lines, so the text is wrapped here (by an estimate of the
 * font's widths) and each line is its own drawtext, centred, on a shared baseline grid.
 */
import { join } from 'node:path';
import type { TextSegment } from '../draft.ts';
import { fontFor, hasCjk } from './fonts.ts';
import type { Frame } from './frames.ts';
import { filter, num } from './graph.ts';

/** Font size as a share of the frame's short side (the height, except for vertical video). */
export const titleSizes = { small: 0.045, medium: 0.065, large: 0.09 } as const;

/** Lines may use this share of the frame's width. */
const maxWidthShare = 0.88;
/** A title that needs more lines than this is made smaller (down to `small`'s size). */
const maxLines = 3;
const lineHeight = 1.25;

export interface TitlePlan {
  filters: string[];
  files: Array<{ path: string; content: string }>;
}

export async function buildTitles(
  segments: TextSegment[],
  frame: Frame,
  durationSeconds: number,
  directory: string,
): Promise<TitlePlan> {
  const plan: TitlePlan = { filters: [], files: [] };
  for (const [index, segment] of segments.entries()) {
    const start = segment.m.start / 1000;
    const end = Math.min(durationSeconds, (segment.m.start + segment.d) / 1000);
    if (start >= end) continue;
    const { lines, fontSize } = layout(segment.m.text, segment.m.size, frame);
    if (lines.length === 0) continue;
    const fontfile = await fontFor(segment.m.text);
    const step = Math.round(fontSize * lineHeight);
    const blockHeight = (lines.length - 1) * step + fontSize;
    const margin = frame.height * (frame.height > frame.width ? 0.12 : 0.08);
    const top =
      segment.m.position === 'top'
        ? margin
        : segment.m.position === 'bottom'
          ? frame.height - margin - blockHeight
          : (frame.height - blockHeight) / 2;
    // Fade in and out over a quarter second (less for very short titles).
    const fade = Math.min(0.25, (end - start) / 4);
    for (const [line, text] of lines.entries()) {
      const path = join(directory, `title-${index}-${line}.txt`);
      plan.files.push({ path, content: text });
      const baseline = Math.round(top + fontSize * 0.8 + line * step);
      plan.filters.push(
        filter('drawtext', {
          fontfile,
          textfile: path,
          expansion: 'none',
          fontsize: fontSize,
          fontcolor: 'white',
          borderw: Math.max(1, Math.round(fontSize / 24)),
          bordercolor: 'black@0.55',
          shadowcolor: 'black@0.45',
          shadowx: Math.max(1, Math.round(fontSize / 18)),
          shadowy: Math.max(1, Math.round(fontSize / 18)),
          x: '(w-text_w)/2',
          // `ascent` is the tallest glyph above the baseline: every line sits on its baseline.
          y: `${baseline}-ascent`,
          alpha: `min(1,min((t-${num(start)})/${num(fade)},(${num(end)}-t)/${num(fade)}))`,
          enable: `between(t,${num(start)},${num(end)})`,
        }),
      );
    }
  }
  return plan;
}

/** Wraps the text to the frame, shrinking a long title until it fits in `maxLines` lines. */
export function layout(
  text: string,
  size: keyof typeof titleSizes,
  frame: Frame,
): { lines: string[]; fontSize: number } {
  const shortSide = Math.min(frame.width, frame.height);
  const smallest = Math.round(shortSide * Math.min(titleSizes.small, titleSizes[size]));
  let fontSize = Math.round(shortSide * titleSizes[size]);
  const clean = text.replace(/\r\n?/g, '\n').replace(/[\t\v\f]/g, ' ');
  for (;;) {
    const lines = wrap(clean, (frame.width * maxWidthShare) / fontSize);
    if (lines.length <= maxLines || fontSize <= smallest) return { lines, fontSize };
    fontSize = Math.max(smallest, Math.round(fontSize * 0.88));
  }
}

/** Greedy wrapping at spaces, and between CJK characters (which need none); `width` is in em. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    // Words, runs of spaces, and single CJK characters.
    const tokens = paragraph.match(/\s+|[^\s]/gu) ?? [];
    const units: string[] = [];
    for (const token of tokens) {
      const previous = units.at(-1);
      const joins = previous !== undefined && !/\s/.test(token) && !/\s$/.test(previous);
      if (joins && !hasCjk(token) && !hasCjk(previous.at(-1) ?? ''))
        units[units.length - 1] = previous + token;
      else units.push(token);
    }
    let line = '';
    for (const unit of units) {
      const space = /^\s+$/.test(unit);
      if (line === '' && space) continue;
      if (line !== '' && ems((line + unit).trimEnd()) > width) {
        lines.push(line.trimEnd());
        line = space ? '' : unit;
      } else {
        line += unit;
      }
      // A single word longer than a line is cut where it overflows.
      while (ems(line.trimEnd()) > width && [...line].length > 1) {
        const chars = [...line];
        let cut = chars.length - 1;
        while (cut > 1 && ems(chars.slice(0, cut).join('')) > width) cut--;
        lines.push(chars.slice(0, cut).join(''));
        line = chars.slice(cut).join('');
      }
    }
    if (line.trim()) lines.push(line.trim());
  }
  return lines.filter((line) => line.length > 0);
}

/** An estimate of a text's width in em in DejaVu Sans Bold (a little generous). */
function ems(text: string): number {
  let total = 0;
  for (const char of text) {
    if (hasCjk(char)) total += 1;
    else if (char === ' ') total += 0.35;
    else if (/[A-Z]/.test(char)) total += 0.8;
    else if (/[a-z0-9]/.test(char)) total += 0.68;
    else if (/[.,:;'!|il]/.test(char)) total += 0.4;
    else total += 0.75;
  }
  return total;
}
