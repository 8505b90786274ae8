/**
 * Titles and captions: quoted text with the word that says what it is ("title 'Summer Sale'",
 * 标题“夏日特卖”), edits to existing text ("make the title bigger", "标题放到顶部") and removals
 * ("remove the title", 去掉字幕). Position, size and timing words are read only near their text,
 * so "for the first 3 seconds" after a title is the title's timing, not the video's length.
 */
import type {
  Found,
  Intent,
  TextLook,
  TextRole,
  TextSize,
  TextTarget,
  TextTiming,
} from './director-intents.ts';
import { parseDuration, parseNumber } from './director-numbers.ts';
import { blank, clauses, placeholderClass, quoteIndex, type Scan, type Span, take } from './director-scan.ts';
import { duration } from './director-words.ts';

interface RoleWord {
  pattern: RegExp;
  /** What quoted text next to this word is. */
  role: TextRole;
  /** What an edit naming this word is about; undefined when the word only names quoted text. */
  target: TextTarget | undefined;
}

const roleWords: RoleWord[] = [
  { pattern: /\b(?:titles?|headings?|headlines?)\b|大标题|标题|题目|片名/, role: 'title', target: 'title' },
  { pattern: /\b(?:called|named|titled)\b/, role: 'title', target: undefined },
  { pattern: /\b(?:captions?|subtitles?)\b|字幕/, role: 'caption', target: 'caption' },
  { pattern: /\b(?:texts?|words|wording|overlay)\b|文字|文案|文本/, role: 'caption', target: 'all' },
];

const anyRole = new RegExp(roleWords.map((word) => word.pattern.source).join('|'), 'g');

function roleOf(word: string): RoleWord | undefined {
  return roleWords.find((candidate) => new RegExp(`^(?:${candidate.pattern.source})$`).test(word));
}

// ---------------------------------------------------------------------------------------------
// Attribute words

const positionWords: Array<[RegExp, TextLook['position']]> = [
  [
    /\b(?:(?:at|on|to|in)\s+)?(?:the\s+)?(?:very\s+)?top\b(?:\s+of\s+the\s+(?:screen|frame|video))?|顶部|顶端|最上面|上方|上面|顶上|上边|上部/,
    'top',
  ],
  [
    /\b(?:(?:at|on|to|in)\s+)?(?:the\s+)?(?:very\s+)?bottom\b(?:\s+of\s+the\s+(?:screen|frame|video))?|底部|底端|最下面|下方|下面|底下|下边|下部/,
    'bottom',
  ],
  [
    /\b(?:(?:in|to|at)\s+)?(?:the\s+)?(?:center|centre|middle)\b(?:\s+of\s+the\s+(?:screen|frame|video))?|\bcent(?:er|re)d\b|居中|正中间?|中间|中央|中部/,
    'center',
  ],
];

const sizeWords: Array<[RegExp, TextSize]> = [
  [/\b(?:bigger|larger|big|large|huge)\b|大一点|大一些|大点|大些|放大|更大|大字|大号|加大|变大/, 'large'],
  [/\b(?:smaller|small|tiny)\b|小一点|小一些|小点|小些|缩小|更小|小字|小号|变小/, 'small'],
  [/\b(?:medium|normal[- ]sized?|regular[- ]sized?|default\s+size)\b|中等|中号|正常大小|普通大小/, 'medium'],
];

/** A time in a range: a duration, or a bare number whose unit comes from the other end. */
const time = String.raw`(?:${duration}|\d+(?:\.\d+)?|[零〇一二两三四五六七八九十]{1,3})`;

function msOf(text: string, other: string): number | undefined {
  const direct = parseDuration(text);
  if (direct !== undefined) return direct;
  const value = parseNumber(text);
  if (value === undefined) return undefined;
  return /ms|毫秒|millisecond/.test(other) ? value : value * 1000;
}

function range(first: string | undefined, second: string | undefined): TextTiming | undefined {
  if (first === undefined || second === undefined) return undefined;
  // One end must carry a unit, or "from 1 to 2" could be anything.
  if (parseDuration(first) === undefined && parseDuration(second) === undefined) return undefined;
  const startMs = msOf(first, second);
  const endMs = msOf(second, first);
  return startMs === undefined || endMs === undefined || endMs <= startMs
    ? undefined
    : { kind: 'range', startMs, endMs };
}

function lasting(kind: 'first' | 'last' | 'for', text: string | undefined): TextTiming | undefined {
  const ms = text === undefined ? undefined : parseDuration(text);
  return ms === undefined || ms <= 0 ? undefined : { kind, ms };
}

function from(text: string | undefined): TextTiming | undefined {
  const startMs = text === undefined ? undefined : parseDuration(text);
  return startMs === undefined ? undefined : { kind: 'from', startMs };
}

interface TimingWord {
  pattern: RegExp;
  read: (match: RegExpExecArray) => TextTiming | undefined;
  /** Also read before the text ("前3秒显示标题…"): only phrases that can't be the video's length. */
  before: boolean;
}

const timingWords: TimingWord[] = [
  {
    pattern: new RegExp(
      String.raw`\b(?:from|between)\s+(${time})\s*(?:to|and|until|till|through|-|–|—)\s*(${time})`,
    ),
    read: (match) => range(match[1], match[2]),
    before: true,
  },
  {
    pattern: new RegExp(
      String.raw`(?:从|在)?\s*第?\s*(${time})\s*(?:到|至|-|–|—|~)\s*第?\s*(${time})(?:之间)?`,
    ),
    read: (match) => range(match[1], match[2]),
    before: true,
  },
  {
    pattern: new RegExp(
      String.raw`\b(?:(?:for|in|during|over)\s+)?the\s+first\s+(${duration})|(?:在)?(?:视频)?(?:的)?(?:前|开头)\s*(${duration})`,
    ),
    read: (match) => lasting('first', match[1] ?? match[2]),
    before: true,
  },
  {
    pattern: new RegExp(
      String.raw`\b(?:(?:for|in|during|over)\s+)?the\s+(?:last|final)\s+(${duration})|(?:最后|结尾|末尾|后)\s*(${duration})`,
    ),
    read: (match) => lasting('last', match[1] ?? match[2]),
    before: true,
  },
  {
    pattern:
      /\b(?:(?:for|during|throughout|over)\s+)?(?:the\s+)?(?:whole|entire|full)\s+(?:video|time|thing|clip|length)\b|\bthroughout\b|\ball\s+the\s+way\s+through\b|全程|整个视频|从头到尾|始终/,
    read: () => ({ kind: 'whole' }),
    before: true,
  },
  {
    pattern: new RegExp(
      String.raw`从\s*第?\s*(${duration})\s*(?:开始|起)|第?\s*(${duration})\s*(?:开始|起|之后|以后)`,
    ),
    read: (match) => from(match[1] ?? match[2]),
    before: true,
  },
  {
    pattern: new RegExp(
      String.raw`\b(?:starting|start|beginning|begin)\s+(?:at|from)\s+(${duration})|\b(?:from|after)\s+(${duration})`,
    ),
    read: (match) => from(match[1] ?? match[2]),
    before: false,
  },
  {
    pattern: new RegExp(
      String.raw`\b(?:for|lasting)\s+(?:about\s+)?(${duration})|(?:显示|持续|停留|出现|保持)\s*(${duration})`,
    ),
    read: (match) => lasting('for', match[1] ?? match[2]),
    before: false,
  },
];

/** Size words that can't be anything else (not 放大/缩小, which are also motion), for clauses that only continue a text. */
const plainSizeWords: Array<[RegExp, TextSize]> = [
  [/\b(?:bigger|larger|big|large|huge)\b|大一点|大一些|大点|大些|更大|大字|大号/, 'large'],
  [/\b(?:smaller|small|tiny)\b|小一点|小一些|小点|小些|更小|小字|小号/, 'small'],
  [/\bmedium\b|中等|中号/, 'medium'],
];

/**
 * Position, size and timing: after the text first, then before it. A clause that only continues a
 * text (`continuing`) is read with the words that can't mean anything else.
 */
function readLook(scan: Scan, after: Span, before: Span, continuing = false): TextLook {
  const look: TextLook = {};
  for (const span of [after, before]) {
    for (const [pattern, position] of positionWords) {
      if (look.position) break;
      const [found] = take(scan, pattern, () => position, { span, first: true });
      if (found) look.position = found.value;
    }
    for (const [pattern, size] of continuing ? plainSizeWords : sizeWords) {
      if (look.size) break;
      const [found] = take(scan, pattern, () => size, { span, first: true });
      if (found) look.size = found.value;
    }
    for (const word of timingWords) {
      if (look.timing || ((span === before || continuing) && !word.before)) continue;
      const [found] = take(scan, word.pattern, word.read, { span, first: true });
      if (found) look.timing = found.value;
    }
  }
  return look;
}

const isEmpty = (look: TextLook) => !look.position && !look.size && !look.timing;

// ---------------------------------------------------------------------------------------------
// Removal

const removalBefore =
  /(?:\b(?:remove|delete|drop|hide|lose|clear|no|without|get\s+rid\s+of|take\s+(?:off|out|away)|turn\s+off|(?:do\s+not|don'?t)\s+(?:want|need|use|add)(?:\s+any)?)\b|去掉|去除|删除|删掉|不要|移除|取消|拿掉|隐藏|关掉)(?:\s|\b(?:the|all|both|and|any|music|background|bgm|song|titles?|captions?|subtitles?|texts?)\b|&|把|所有|全部|的|和|与|跟|及|、|背景音乐|音乐|配乐|标题|字幕|文字)*$/;
const removalAfter = /^\s*(?:也|都|全)?(?:去掉|去除|删除|删掉|不要|拿掉|移除|取消|隐藏)|^\s*(?:off|away)\b/;
const conjunctionOnly = /^\s*(?:and|&|和|与|跟|及|以及)?\s*(?:the\s+)?$/;

// ---------------------------------------------------------------------------------------------
// Items

interface Item {
  start: number;
  end: number;
  /** Ranges to blank once the item is used. */
  parts: Span[];
  role: RoleWord | undefined;
  quote: string | undefined;
}

interface RoleMatch extends Span {
  word: RoleWord;
  attached: boolean;
}

const attachAfter = /^\s*(?:as|for)?\s*(?:the|a|an|my|our)?\s*$|^\s*(?:作为|当作?|做|为)?\s*$/;

function itemsIn(scan: Scan, clause: Span): Item[] {
  const text = scan.text.slice(clause.start, clause.end);
  const roles: RoleMatch[] = [];
  for (const match of text.matchAll(anyRole)) {
    const word = roleOf(match[0]);
    if (word) {
      const start = clause.start + match.index;
      roles.push({ start, end: start + match[0].length, word, attached: false });
    }
  }
  const quotes = [...text.matchAll(new RegExp(placeholderClass, 'g'))].map(
    (match) => clause.start + match.index,
  );
  const items: Item[] = [];
  for (const [index, at] of quotes.entries()) {
    const previousQuote = quotes[index - 1] ?? clause.start - 1;
    const nextQuote = quotes[index + 1] ?? clause.end;
    const before = roles
      .filter((role) => !role.attached && role.start > previousQuote && role.end <= at)
      .at(-1);
    const after = roles.find(
      (role) =>
        !role.attached &&
        role.start > at &&
        role.end <= nextQuote &&
        attachAfter.test(scan.text.slice(at + 1, role.start)),
    );
    const role = before ?? after;
    if (role) role.attached = true;
    const quote = scan.quotes[quoteIndex(scan.text.charAt(at))];
    const parts = [{ start: at, end: at + 1 }, ...(role ? [role] : [])];
    items.push({
      start: Math.min(...parts.map((part) => part.start)),
      end: Math.max(...parts.map((part) => part.end)),
      parts,
      role: role?.word,
      quote,
    });
  }
  for (const role of roles) {
    if (!role.attached && role.word.target !== undefined) {
      items.push({ start: role.start, end: role.end, parts: [role], role: role.word, quote: undefined });
    }
  }
  return items.toSorted((a, b) => a.start - b.start);
}

/** Clauses that may continue the text before them: none about music, photos or transitions. */
const aboutSomethingElse =
  /音乐|配乐|声音|音量|照片|图片|视频|转场|\b(?:music|volume|songs?|photos?|pictures?|images?|videos?|clips?|transitions?)\b/;

/** Reads every title, caption and text edit in the instruction, blanking what it used. */
export function readTexts(scan: Scan): Found[] {
  const found: Found[] = [];
  /** The last text read, which a following clause of bare attributes continues. */
  let continued: TextLook | undefined;
  for (const clause of clauses(scan.text)) {
    const items = itemsIn(scan, clause);
    if (items.length === 0) {
      const text = scan.text.slice(clause.start, clause.end);
      const look =
        continued && !aboutSomethingElse.test(text)
          ? readLook(scan, clause, { start: clause.start, end: clause.start }, true)
          : {};
      if (continued && !isEmpty(look)) {
        if (look.position) continued.position ??= look.position;
        if (look.size) continued.size ??= look.size;
        if (look.timing) continued.timing ??= look.timing;
      } else continued = undefined;
      continue;
    }
    continued = undefined;
    let previousRemoval = false;
    /** Edit targets joined to the next one by "and" ("the title and the captions bigger"). */
    let waiting: TextTarget[] = [];
    for (const [index, item] of items.entries()) {
      const before = { start: items[index - 1]?.end ?? clause.start, end: item.start };
      const after = { start: item.end, end: items[index + 1]?.start ?? clause.end };
      const use = () => {
        for (const part of item.parts) blank(scan, part.start, part.end);
      };
      if (item.quote !== undefined) {
        previousRemoval = false;
        waiting = [];
        const look = readLook(scan, after, before);
        use();
        const intent: Intent = { kind: 'text', role: item.role?.role ?? 'title', text: item.quote, ...look };
        found.push({ at: item.start, intent });
        continued = intent;
        continue;
      }
      const target = item.role?.target;
      if (target === undefined) continue;
      const gapBefore = scan.text.slice(before.start, before.end);
      const removal =
        removalBefore.test(gapBefore) ||
        removalAfter.test(scan.text.slice(after.start, after.end)) ||
        (previousRemoval && conjunctionOnly.test(gapBefore));
      if (removal) {
        // The verb stays: "remove the title and the music" removes the music too.
        take(scan, removalAfter, () => true, { span: after });
        use();
        found.push({ at: item.start, intent: { kind: 'removeText', target } });
        previousRemoval = true;
        continue;
      }
      previousRemoval = false;
      const look = readLook(scan, after, before);
      if (isEmpty(look)) {
        const next = items[index + 1];
        const joined =
          next?.quote === undefined && conjunctionOnly.test(scan.text.slice(after.start, after.end));
        waiting = joined ? [...waiting, target] : [];
        if (joined) use();
        continue;
      }
      use();
      for (const each of [...waiting, target]) {
        const intent: Intent = { kind: 'textEdit', target: each, ...look };
        found.push({ at: item.start, intent });
        continued = intent;
      }
      waiting = [];
    }
  }
  return found;
}
