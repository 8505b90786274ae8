/**
 * The instruction as the phrase readers see it: quoted text lifted out (so a title can't be read
 * as a command), the rest lower-cased and normalised, and every phrase a reader takes blanked out
 * so no later reader takes it again. Blanking keeps every index where it was.
 */

export interface Scan {
  /** The working text: lower-case, quotes replaced by one placeholder character each. */
  text: string;
  /** The quoted texts, in order, exactly as written. */
  quotes: string[];
}

/** Placeholder for quote `index`: a private-use character, so no reader's pattern can match it. */
export const placeholderBase = 0xe000;
export const placeholderClass = '[\\ue000-\\ue0ff]';

export function quoteIndex(character: string): number {
  return character.charCodeAt(0) - placeholderBase;
}

const quotePatterns = [
  /"([^"]+)"/g,
  /“([^”]+)”/g,
  /「([^」]+)」/g,
  /『([^』]+)』/g,
  /‘([^’]+)’/g,
  /《([^》]+)》/g,
  // An apostrophe opens a quote only after a non-letter, and closes one only before a non-letter, so
  // "don't" and "Mom's Day" stay words.
  /(?<![\p{L}\p{N}])'(.+?)'(?![\p{L}\p{N}])/gu,
];

const fullWidth: Array<[RegExp, string]> = [
  [/[０-９]/g, ''],
  [/％/g, '%'],
  [/：/g, ':'],
  [/　/g, ' '],
];

function normalise(text: string): string {
  let result = text.toLowerCase();
  for (const [pattern, replacement] of fullWidth) {
    result = result.replace(pattern, (character) =>
      replacement === '' ? String.fromCharCode(character.charCodeAt(0) - 0xfee0) : replacement,
    );
  }
  return result;
}

export function scanInstruction(instruction: string): Scan {
  const quotes: string[] = [];
  let text = instruction;
  for (const pattern of quotePatterns) {
    text = text.replace(pattern, (whole, inner: string) => {
      const trimmed = inner.replace(/\s+/g, ' ').trim();
      if (trimmed === '' || quotes.length > 0xff) return whole;
      quotes.push(trimmed);
      return String.fromCharCode(placeholderBase + quotes.length - 1);
    });
  }
  return { text: normalise(text), quotes };
}

export function blank(scan: Scan, start: number, end: number): void {
  if (end <= start) return;
  scan.text = scan.text.slice(0, start) + ' '.repeat(end - start) + scan.text.slice(end);
}

export interface Span {
  start: number;
  end: number;
}

export interface TakeOptions {
  /** Blank only this capture group instead of the whole match. */
  only?: number;
  /** Look only inside this part of the text. */
  span?: Span;
  /** Stop after the first match read. */
  first?: boolean;
}

/**
 * Every match of `pattern` (made global and given indices here) in the current text, left to right;
 * `read` returns what it understood, or undefined to leave the match for someone else. A match
 * read is blanked (with `only`, just that capture group). `at` is where the match starts.
 */
export function take<T>(
  scan: Scan,
  pattern: RegExp,
  read: (match: RegExpExecArray) => T | undefined,
  options: TakeOptions = {},
): Array<{ at: number; value: T }> {
  const flags = new Set([...pattern.flags, 'g', 'd']);
  const global = new RegExp(pattern.source, [...flags].join(''));
  const offset = options.span?.start ?? 0;
  const text = options.span ? scan.text.slice(options.span.start, options.span.end) : scan.text;
  const taken: Array<{ at: number; value: T }> = [];
  for (const match of text.matchAll(global)) {
    const value = read(match);
    if (value === undefined) continue;
    const range = match.indices?.[options.only ?? 0] ?? [match.index, match.index + match[0].length];
    blank(scan, offset + range[0], offset + range[1]);
    taken.push({ at: offset + match.index, value });
    if (options.first) break;
  }
  return taken;
}

/** Clauses: runs of text between sentence or list punctuation (a dot between digits is a decimal). */
export function clauses(text: string): Span[] {
  const spans: Span[] = [];
  let start = 0;
  for (const match of text.matchAll(/[,;!?，；。！？、\n]|\.(?!\d)/g)) {
    spans.push({ start, end: match.index });
    start = match.index + 1;
  }
  spans.push({ start, end: text.length });
  return spans.filter((span) => span.end > span.start);
}
