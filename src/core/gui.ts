/**
 * NemoVideo's agent believes the user is looking at its web editor, so it tells them to click
 * buttons and drag clips. In a chat those instructions lead nowhere: each one is replaced by the
 * chat command that does the same job, and everything else the agent said is kept verbatim.
 */
import type { Language } from './seam.ts';

type Hint = 'export' | 'status' | 'edit' | 'credits';

const hints: Record<Language, Record<Hint, string>> = {
  en: {
    export: "Send /export and I'll render the video for you.",
    status: 'Send /status to see the timeline.',
    edit: "Tell me what to change and I'll do it.",
    credits: 'Send /credits to see your balance.',
  },
  zh: {
    export: '发送 /export，我来为你渲染视频。',
    status: '发送 /status 查看时间线。',
    edit: '告诉我要改什么，我来帮你改。',
    credits: '发送 /credits 查看余额。',
  },
};

type Test = (sentence: string) => boolean;

const matches =
  (pattern: RegExp): Test =>
  (sentence) =>
    pattern.test(sentence);

const matchesBoth =
  (first: RegExp, second: RegExp): Test =>
  (sentence) =>
    first.test(sentence) && second.test(sentence);

/** Verbs that operate a control; telling only next to a control's name. */
const clickVerb = /\b(?:click|tap|press|hit|select|choose)(?:s|ing)?\b|(?:double|right)-click/i;
/** Chinese has dedicated verbs for operating a screen, so these need no control next to them. */
const chineseClickVerb = /点击|单击|双击|点按|轻触|按[下住]?[^。！？\n]{0,10}按钮/;
/** "Click Export", "tap the …", "press **Apply**": case matters, a capital after the verb names a button. */
const clickOnSomething =
  /\b(?:[Cc]lick|[Tt]ap|[Pp]ress)(?:ing)?\s+(?:on\s+)?(?:the\b|your\b|this\b|that\b|[A-Z"'“‘*_`[])/;
const clickFirst =
  /^\W*(?:(?:then|now|just|simply|please|next|first|finally),?\s+)?(?:click|tap|double-click)\b/i;
const clickButton = /\b(?:click|tap|press|hit)\w*\b.*\b(?:button|icon)s?\b/i;

/**
 * Which hint replaces a sentence: the first rule with a matching test wins, so specific
 * instructions ("click Export") come before general ones ("click …").
 */
const rules: ReadonlyArray<{ hint: Hint; tests: Test[] }> = [
  {
    hint: 'credits',
    tests: [
      matches(
        /\b(?:account|billing|credits?|balance|subscription|pricing)\s+(?:page|settings|section|tab|dashboard|panel|cent(?:er|re))\b/i,
      ),
      matches(
        /\b(?:check|visit|go\s+to|open|view|see|top\s+up)\b.*\b(?:(?:your|the)\s+(?:remaining\s+|current\s+)?(?:account|billing|credits?)|your\s+(?:credit\s+)?balance)\b/i,
      ),
      matches(/(?:查看|前往|打开|进入|访问|去)[^。！？\n]*(?:账户|账号|账单|积分|余额|充值)/),
      matches(/(?:账户|账号|账单|积分|充值)(?:页面|页|中心|设置)/),
    ],
  },
  {
    hint: 'export',
    tests: [
      matches(/\bexport\s+(?:button|icon|option|menu)\b|导出按钮/i),
      matchesBoth(/\bexport\b/i, clickVerb),
      matchesBoth(/导出/, chineseClickVerb),
      matchesBoth(
        /\bexport\b/i,
        /\b(?:top|upper|bottom)[- ](?:right|left)\b|\bcorner\b|\btoolbar\b|\beditor\b/i,
      ),
      matchesBoth(/导出/, /按钮|右上角|左上角|工具栏|编辑器/),
    ],
  },
  {
    hint: 'edit',
    tests: [
      matches(/\bdrag(?:s|ged|ging)?\b|拖拽|拖动|拖放|拖入|拖到|拖进/i),
      matches(/\bdrop\s+(?:it|them|the|your|this|that|files?|photos?|clips?|media)\b/i),
    ],
  },
  {
    hint: 'status',
    tests: [
      matches(
        /\bopen(?:ing)?\s+(?:up\s+)?(?:the|your)\s+(?:[\w-]+\s+){0,2}(?:panel|editor|timeline|preview|tab|window|menu|sidebar|settings|workspace|player|library)\b/i,
      ),
      matches(
        /\b(?:preview|check|see|view|look\s+at|watch|play|review|scrub)\b.*\b(?:the|your)\s+(?:[\w-]+\s+)?(?:timeline|editor|preview\s+(?:panel|window|pane)|player)\b/i,
      ),
      matches(/\bpreview\s+(?:panel|window|pane|button)\b/i),
      matches(/打开[^。！？\n]{0,8}(?:编辑器|时间线|时间轴|面板|预览|窗口|页面|菜单|设置|工作区|播放器)/),
      matches(/(?:可以|请|在|点击)[^。！？\n]*预览|预览(?:窗口|面板|按钮|区)/),
      matchesBoth(/时间线|时间轴|编辑器|播放器/, /查看|预览|打开|播放|检查|浏览/),
    ],
  },
  {
    hint: 'edit',
    tests: [matches(clickOnSomething), matches(clickFirst), matches(clickButton), matches(chineseClickVerb)],
  },
];

/** A sentence carrying a link is information (a claim or download link), never rewritten. */
const link = /\bhttps?:\/\/|\bwww\./i;

function hintFor(sentence: string): Hint | undefined {
  if (link.test(sentence)) return undefined;
  return rules.find((rule) => rule.tests.some((test) => test(sentence)))?.hint;
}

/** Indentation, list markers, quote marks and heading hashes: kept when the sentence after them is replaced. */
const linePrefix = /^\s*(?:(?:[-*+]|\d+[.)])\s+|>\s*|#{1,6}\s+)*/;

/**
 * A sentence ends with `.`, `!` or `?` followed by a space or the end of the line (so `2.5s`,
 * `photo.jpg` and URLs stay whole), or with `。！？`; closing quotes, brackets and Markdown
 * emphasis belong to the sentence they close.
 */
const sentenceEnd = /[.!?]+["'”’)\]*_]*(?=\s|$)|[。！？]+["'”’」』)\]*_]*/g;

interface Sentence {
  body: string;
  /** The whitespace after the sentence. */
  gap: string;
}

function splitSentences(content: string): Sentence[] {
  const sentences: Sentence[] = [];
  let start = 0;
  const take = (end: number) => {
    const gapEnd = end + (/^\s*/.exec(content.slice(end))?.[0].length ?? 0);
    sentences.push({ body: content.slice(start, end), gap: content.slice(end, gapEnd) });
    start = gapEnd;
  };
  for (const match of content.matchAll(sentenceEnd)) take(match.index + match[0].length);
  if (start < content.length) take(content.trimEnd().length);
  return sentences;
}

/**
 * The line with its GUI sentences replaced; undefined when every sentence in it went (each was a
 * repeat of a hint already given).
 */
function translateLine(line: string, given: Set<Hint>, language: Language): string | undefined {
  const prefix = linePrefix.exec(line)?.[0] ?? '';
  const sentences = splitSentences(line.slice(prefix.length));
  let changed = false;
  let kept = '';
  for (const { body, gap } of sentences) {
    const hint = hintFor(body);
    if (hint === undefined) {
      kept += body + gap;
      continue;
    }
    changed = true;
    if (given.has(hint)) continue;
    given.add(hint);
    // A CJK sentence needs no space after it, but an English hint put in its place does.
    const replacement = hints[language][hint];
    kept += replacement + (gap === '' && !/[。！？]$/.test(replacement) ? ' ' : gap);
  }
  if (!changed) return line;
  const content = kept.replace(/[^\S\n]+$/, '');
  return content === '' ? undefined : prefix + content;
}

/** The agent's text with every GUI instruction replaced by its chat equivalent, each hint given once. */
export function translateGuiInstructions(text: string, language: Language): string {
  const given = new Set<Hint>();
  const lines: string[] = [];
  let changed = false;
  let afterDroppedLine = false;
  for (const line of text.split('\n')) {
    const translated = translateLine(line, given, language);
    if (translated !== line) changed = true;
    if (translated === undefined) {
      afterDroppedLine = true;
      continue;
    }
    // Dropping a paragraph must not leave two blank lines where there was one.
    const isBlank = translated.trim() === '';
    if (afterDroppedLine && isBlank && (lines.at(-1) ?? '').trim() === '') continue;
    afterDroppedLine = false;
    lines.push(translated);
  }
  return changed ? lines.join('\n') : text;
}
