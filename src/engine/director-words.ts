/**
 * Vocabulary several phrase readers share: lengths of time, words for music, "don't want", and
 * the helper that turns a table of patterns into a reader.
 */
import type { Found, Intent } from './director-intents.ts';
import { durationPattern } from './director-numbers.ts';
import { type Scan, take } from './director-scan.ts';

/** A length of time ("12 seconds", "三十秒"), with no capture group. */
export const duration = `(?:${durationPattern})`;

export const musicNoun = String.raw`(?:\b(?:background\s+music|music|bgm|soundtrack|songs?|audio(?:\s+track)?|tunes?)\b|背景音乐|配乐|音乐|歌曲?|音频)`;

/** "don't want", "do not need", "don't use any". */
export const dontWant = String.raw`\b(?:do\s+not|don'?t)\s+(?:want|need|use|add|like)(?:\s+any)?`;

/** Reads its phrases from the instruction, blanking what it took. */
export type Reader = (scan: Scan) => Found[];

/** A reader of fixed phrases: each pattern gives one intent (or undefined to pass). */
export function phrases(
  table: Array<[RegExp, (match: RegExpExecArray) => Intent | undefined]>,
  only?: number,
): Reader {
  return (scan) =>
    table.flatMap(([pattern, read]) =>
      take(scan, pattern, read, only === undefined ? {} : { only }).map(({ at, value }) => ({
        at,
        intent: value,
      })),
    );
}
