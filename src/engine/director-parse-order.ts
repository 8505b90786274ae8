/**
 * Order phrases: "reverse the order" (倒序), "swap photo 1 and 2" (交换第1张和第2张), "move photo 3
 * to the start", "put the last photo first" (把最后一张放到最前面).
 */
import type { Intent, OrderChange, Place } from './director-intents.ts';
import { chineseNumber, englishNumber, englishOrdinal, parseOrdinal } from './director-numbers.ts';
import { phrases } from './director-words.ts';

const englishNoun = `(?:photo|picture|pic|image|shot|clip|slide|video)s?`;
const englishPlace = String.raw`(?:(?:the\s+)?${englishOrdinal}(?:\s+${englishNoun}\b)?|${englishNoun}\s*(?:number\s*|no\.?\s*|#\s*)?(?:\d+|${englishNumber})|#?\d+)`;
const chineseNoun = '(?:张|个|段|幅)?(?:照片|图片|图|片段|视频|素材)?';
const chinesePlace = String.raw`(?:第\s*${chineseNumber}\s*${chineseNoun}|最后(?:一)?(?:张|个|段|幅)(?:照片|图片|图|片段|视频|素材)?|(?:照片|图片|图)\s*\d+)`;

function placeOf(text: string | undefined): Place | undefined {
  if (text === undefined) return undefined;
  const cleaned = text
    .replace(/^the\s+/, '')
    .replace(new RegExp(`\\s*${englishNoun}\\b`, 'g'), ' ')
    .replace(/number|no\.?|#|张|个|段|幅|照片|图片|图|片段|视频|素材/g, '')
    .trim();
  return parseOrdinal(cleaned);
}

function targetOf(text: string | undefined): Place | undefined {
  if (text === undefined) return undefined;
  if (/start|beginning|front|最前|开头|前面|首位|最开始/.test(text)) return 1;
  if (/\bend\b|\bback\b|\blast\b|最后|末尾|结尾/.test(text)) return 'last';
  const number =
    /(\d+|[零〇一二两三四五六七八九十]{1,3}|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)/.exec(
      text.replace(/(\d+)(?:st|nd|rd|th)\b/, '$1'),
    );
  return number ? parseOrdinal(number[1] ?? '') : undefined;
}

function order(change: OrderChange | undefined): Intent | undefined {
  return change === undefined ? undefined : { kind: 'order', change };
}

function swap(a: string | undefined, b: string | undefined): Intent | undefined {
  const [first, second] = [placeOf(a), placeOf(b)];
  return first === undefined || second === undefined ? undefined : order({ op: 'swap', a: first, b: second });
}

function move(from: string | undefined, to: string | undefined): Intent | undefined {
  const [place, target] = [placeOf(from), targetOf(to)];
  return place === undefined || target === undefined
    ? undefined
    : order({ op: 'move', from: place, to: target });
}

const englishTarget = String.raw`(?:(?:to|at|in|into|as)\s+)?(?:the\s+)?(?:very\s+)?(?:start|beginning|front|end|back|first|last|(?:position|place|spot|slot)\s+(?:number\s+)?\d+|${englishOrdinal}\s*(?:position|place|spot|slot)?)\b`;
const chineseTarget = String.raw`(?:最前面|最前|开头|前面|首位|最开始|最后面|最后|末尾|结尾|第\s*${chineseNumber}\s*(?:张|个|位)?)`;

export const readOrder = phrases([
  [
    /\breverse\b(?:\s+(?:the|photos?|pictures?|images?|clips?|slides?|shots?))*(?:\s+order)?|\bin\s+reverse(?:\s+order)?\b|\breversed?\s+order\b|\bbackwards\b/,
    () => order({ op: 'reverse' }),
  ],
  [/倒序|逆序|倒过来|反过来|反转(?:顺序)?|顺序颠倒|颠倒顺序/, () => order({ op: 'reverse' })],
  [
    new RegExp(
      String.raw`\b(?:swap|switch|exchange|flip|trade)\s+(?:the\s+)?(?:${englishNoun}\s+)?(${englishPlace})\s+(?:and|with|&)\s+(?:the\s+)?(${englishPlace})`,
    ),
    (match) => swap(match[1], match[2]),
  ],
  [
    new RegExp(
      String.raw`(?:交换|调换|互换|对调)(?:一下)?\s*(${chinesePlace})\s*(?:和|与|跟|、)\s*(${chinesePlace})`,
    ),
    (match) => swap(match[1], match[2]),
  ],
  [
    new RegExp(
      String.raw`(?:把|将)?\s*(${chinesePlace})\s*(?:和|与|跟)\s*(${chinesePlace})\s*(?:交换|调换|互换|对调|换一下|换个位置|换位置)`,
    ),
    (match) => swap(match[1], match[2]),
  ],
  [
    new RegExp(String.raw`\b(?:move|put|place|bring|make)\s+(${englishPlace})\s+(${englishTarget})`),
    (match) => move(match[1], match[2]),
  ],
  [
    new RegExp(
      String.raw`(?:把|将)?\s*(${chinesePlace})\s*(?:放到|移到|挪到|调到|移动到|放在|换到|排到|放)\s*(${chineseTarget})`,
    ),
    (match) => move(match[1], match[2]),
  ],
]);
