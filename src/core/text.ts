/**
 * Fits long replies into a platform's message limit. Telegram and Discord count UTF-16 code
 * units, which is what `String.length` measures, so the limit is applied to that.
 */

/**
 * Where a piece may end, most natural first; each match's index is a cut position. Cutting at a
 * whitespace match leaves the whitespace to be trimmed; a sentence end cuts right after it.
 */
const breaks: readonly RegExp[] = [
  /\n[^\S\n]*\n/g, // a blank line
  /\n/g,
  /(?<=[.!?])\s|(?<=[。！？])/g, // a sentence end (CJK ones need no space after them)
  /\s/g,
];

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The last cut of the most natural kind in the second half of `window`. A cut in the first half
 * would leave a stub of a message, so there only the latest break of any kind will do.
 */
function naturalCut(window: string, maxLength: number): number | undefined {
  const cutsByKind = breaks.map((pattern) =>
    Array.from(window.matchAll(pattern), (match) => match.index).filter(
      (index) => index > 0 && index <= maxLength,
    ),
  );
  const wellPlaced = cutsByKind.map((cuts) => cuts.findLast((cut) => cut >= maxLength / 2));
  const latest = Math.max(...cutsByKind.map((cuts) => cuts.at(-1) ?? 0));
  return wellPlaced.find((cut) => cut !== undefined) ?? (latest > 0 ? latest : undefined);
}

/** A cut inside one word: at the last character boundary, so no emoji or surrogate pair is split. */
function hardCut(window: string, maxLength: number): number {
  let lastBoundary = 0;
  for (const { index } of graphemes.segment(window)) {
    if (index > maxLength) break;
    lastBoundary = index;
  }
  if (lastBoundary > 0) return lastBoundary;
  // One grapheme longer than the limit: fall back to keeping surrogate pairs whole.
  const splitsPair = /[\uD800-\uDBFF]/.test(window.charAt(maxLength - 1));
  return splitsPair ? maxLength - 1 : maxLength;
}

/**
 * Splits `text` into pieces of at most `maxLength` UTF-16 code units, breaking at a blank line, a
 * line break, a sentence end or a space (in that order of preference), and inside a word only
 * when the word alone is too long. Pieces are trimmed; blank input gives [].
 */
export function splitMessage(text: string, maxLength: number): string[] {
  // Infinity is a fine limit (nothing is split); below 2 not even a surrogate pair fits.
  const limit = Math.floor(maxLength);
  if (!(limit >= 2)) throw new RangeError(`maxLength must be at least 2, got ${maxLength}`);
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    // Past the limit by the whole character that follows it, which decides whether the limit
    // itself is a break or a grapheme boundary (a following ZWJ or accent joins it).
    const window = rest.slice(0, limit + 2);
    const cut = naturalCut(window, limit) ?? hardCut(window, limit);
    const piece = rest.slice(0, cut).trimEnd();
    if (piece !== '') pieces.push(piece);
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== '') pieces.push(rest);
  return pieces;
}
