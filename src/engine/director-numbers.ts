/**
 * Numbers, durations and percentages as people write them in English and Chinese: "12", "1.5",
 * "twelve", "twenty-five", "十二", "三十", "两", "一分半". Regex sources here have no capture groups,
 * so callers can wrap them in their own; the matched text is then read with the functions below.
 */

const englishSmall = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const englishTens = ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** Digits (with decimals) or an English number word up to ninety-nine. */
export const englishNumber = String.raw`(?:\d+(?:\.\d+)?|(?:${englishTens.join('|')})(?:[- ](?:${englishSmall.slice(1, 10).join('|')}))?\b|(?:${englishSmall.toReversed().join('|')})\b)`;

/** Chinese numerals up to 99 (十二, 二十五, 两) or digits. */
export const chineseNumber = String.raw`(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十]{1,3})`;

/** Either kind of number. */
export const anyNumber = `(?:${englishNumber}|${chineseNumber})`;

const chineseDigits: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

function chineseToNumber(text: string): number | undefined {
  const [tensPart, onesPart, ...rest] = text.split('十');
  if (rest.length > 0 || tensPart === undefined) return undefined;
  if (onesPart === undefined) {
    // No 十: a single digit (or digits read one by one, as in 二五).
    const digits = [...tensPart].map((character) => chineseDigits[character]);
    if (digits.length === 0 || digits.some((digit) => digit === undefined)) return undefined;
    return Number(digits.join(''));
  }
  const tens = tensPart === '' ? 1 : chineseDigits[tensPart];
  const ones = onesPart === '' ? 0 : chineseDigits[onesPart];
  return tens === undefined || ones === undefined ? undefined : tens * 10 + ones;
}

function englishToNumber(text: string): number | undefined {
  const [first, second] = text.split(/[- ]/);
  if (first === undefined) return undefined;
  const small = englishSmall.indexOf(first);
  if (small >= 0 && second === undefined) return small;
  const tens = englishTens.indexOf(first);
  if (tens < 0) return undefined;
  const ones = second === undefined ? 0 : englishSmall.indexOf(second);
  return ones < 0 || ones > 9 ? undefined : (tens + 2) * 10 + ones;
}

/** The value of one number written in digits, English words or Chinese numerals. */
export function parseNumber(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (trimmed === 'a' || trimmed === 'an') return 1;
  return englishToNumber(trimmed) ?? chineseToNumber(trimmed);
}

// ---------------------------------------------------------------------------------------------
// Durations

const secondUnit = String.raw`(?:seconds?|secs?|s\b|秒钟|秒)`;
const minuteUnit = String.raw`(?:minutes?\b|mins?\b|分钟)`;
const millisecondUnit = String.raw`(?:milliseconds?\b|ms\b|毫秒)`;
const joiner = String.raw`\s*(?:-\s*)?`;

/**
 * A length of time: "12 seconds", "12-second", "30s", "1.5 s", "1 minute 30 seconds", "a minute",
 * "half a minute", "800 ms", "12秒", "三十秒", "一分钟", "1分30秒", "一分半", "半分钟".
 */
export const durationPattern = [
  String.raw`half\s+a\s+minute`,
  String.raw`an?\s+minute(?:\s+and\s+a\s+half)?\b`,
  String.raw`半\s*分钟`,
  String.raw`${chineseNumber}\s*分\s*半(?:钟)?`,
  String.raw`${chineseNumber}\s*分(?:钟)?\s*${chineseNumber}\s*秒(?:钟)?`,
  String.raw`${anyNumber}${joiner}${minuteUnit}(?:\s*(?:and\s+)?${anyNumber}${joiner}${secondUnit})?`,
  `${anyNumber}${joiner}${millisecondUnit}`,
  `${anyNumber}${joiner}${secondUnit}`,
]
  .map((alternative) => `(?:${alternative})`)
  .join('|');

const durationPart = new RegExp(
  String.raw`(${anyNumber}|\ban?\b)${joiner}(milliseconds?|ms|minutes?|mins?|seconds?|secs?|s|分钟|分|毫秒|秒钟|秒)(\s*半|\s+and\s+a\s+half)?`,
  'g',
);

/** Milliseconds in a duration matched by {@link durationPattern}. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (/^(?:half\s+a\s+minute|半\s*分钟)$/.test(trimmed)) return 30_000;
  let total = 0;
  let found = false;
  for (const match of trimmed.matchAll(durationPart)) {
    const [, numberText = '', unit = '', half] = match;
    const value = parseNumber(numberText);
    if (value === undefined) return undefined;
    const unitMs = /^(?:millisecond|ms|毫秒)/.test(unit) ? 1 : /^(?:min|分)/.test(unit) ? 60_000 : 1000;
    total += value * unitMs + (half ? unitMs / 2 : 0);
    found = true;
  }
  return found ? Math.round(total) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Percentages

/** "30%", "30 percent", "百分之三十". */
export const percentPattern = String.raw`(?:\d+(?:\.\d+)?\s*(?:%|percent\b|per\s+cent\b)|百分之\s*${chineseNumber})`;

export function parsePercent(text: string): number | undefined {
  const chinese = /百分之\s*(.+)$/.exec(text.trim());
  if (chinese?.[1] !== undefined) return parseNumber(chinese[1]);
  const digits = /\d+(?:\.\d+)?/.exec(text);
  return digits ? Number(digits[0]) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Ordinals

const englishOrdinals = [
  'first',
  'second',
  'third',
  'fourth',
  'fifth',
  'sixth',
  'seventh',
  'eighth',
  'ninth',
  'tenth',
];

/** "first" … "tenth", "3rd", "last". */
export const englishOrdinal = String.raw`(?:${englishOrdinals.join('|')}|last|\d+(?:st|nd|rd|th))\b`;

/** A 1-based position, or `last`, from an ordinal word, "3rd", "第三", "3" or "three". */
export function parseOrdinal(text: string): number | 'last' | undefined {
  const trimmed = text.trim().toLowerCase();
  if (/^(?:last|最后)/.test(trimmed)) return 'last';
  const word = englishOrdinals.indexOf(trimmed);
  if (word >= 0) return word + 1;
  const value = parseNumber(trimmed.replace(/^第\s*/, '').replace(/(?:st|nd|rd|th)$/, ''));
  return value !== undefined && Number.isInteger(value) && value >= 1 ? value : undefined;
}
