/**
 * Reads an instruction in English or Simplified Chinese into intents. Every reader looks for its
 * phrases anywhere in the instruction and blanks what it took, so one instruction can carry many
 * phrases ("make a 12-second vertical video with fade transitions, music and the title '…'") and
 * the specific readers (a transition's length, each photo's length) run before the general ones
 * (any remaining length is the video's).
 */
import type { Found, Intent } from './director-intents.ts';
import { parseDuration } from './director-numbers.ts';
import { readMusic, readMusicFades, readMusicRemoval, readMusicVolume } from './director-parse-music.ts';
import { readOrder } from './director-parse-order.ts';
import { readTexts } from './director-parse-text.ts';
import { scanInstruction } from './director-scan.ts';
import { dontWant, duration, phrases, type Reader } from './director-words.ts';

// ---------------------------------------------------------------------------------------------
// Making a video

const videoNoun = String.raw`(videos?|movies?|films?|slide\s*shows?|montages?)\b`;
const otherVideoNoun = String.raw`(?:reels?|tiktoks?|clips?|shorts?|stor(?:y|ies))\b`;
const chineseVideoNoun = '(视频|短片|影片|短视频|相册|幻灯片|vlog|片子)';
const make: Intent = { kind: 'make' };

const readMake: Reader = (scan) => [
  ...phrases(
    [
      [
        new RegExp(
          String.raw`\b(?:make|create|build|generate|produce|assemble)\s+(?:me\s+|us\s+)?(?:a|an|one|another|new)\b[^,.;!?]*?\b${videoNoun}`,
        ),
        () => make,
      ],
      [
        new RegExp(
          String.raw`\bturn\s+(?:these|them|those|my|all|the\s+(?:photos|pictures|images|clips)|everything)\b[^,.;!?]*?\binto\b[^,.;!?]*?\b${videoNoun}`,
        ),
        () => make,
      ],
      [
        new RegExp(
          `(?:做|制作|生成|剪辑?|合成|弄|搞|创建|来)(?:一下|一个|一段|一部|个|段|部|成|出)[^，。；！？,;!?]*?${chineseVideoNoun}`,
        ),
        () => make,
      ],
      [new RegExp(`(?:做成|制作成|剪成|变成)[^，。；！？,;!?]*?${chineseVideoNoun}`), () => make],
    ],
    1,
  )(scan),
  ...phrases([
    [
      new RegExp(
        String.raw`\b(?:make|create|build|generate|produce|assemble)(?=\s+(?:me\s+|us\s+)?(?:a|an|one|another|new)\b[^,.;!?]*?\b${otherVideoNoun})`,
      ),
      () => make,
    ],
    [
      /\b(?:videos?|slide\s*shows?|movies?)\s+(?:from|of|out\s+of|using)\s+(?:these|them|those|my|all|every)\b/,
      () => make,
    ],
    [/\bput\s+(?:them|these|those|everything|it\s+all|the\s+photos|my\s+photos)\s+together\b/, () => make],
    [/\bslide\s*shows?\b/, () => make],
    [
      /把?(?:这些|所有|全部|我的)?(?:照片|图片|素材|片段)[^，。；！？,;!?]*?(?:做成|变成|合成|剪成|生成)/,
      () => make,
    ],
  ])(scan),
];

// ---------------------------------------------------------------------------------------------
// Lengths

function length(kind: 'total' | 'perPhoto', text: string | undefined): Intent | undefined {
  const ms = text === undefined ? undefined : parseDuration(text);
  return ms === undefined ? undefined : { kind, ms };
}

function transitionLength(text: string | undefined): Intent | undefined {
  const ms = text === undefined ? undefined : parseDuration(text);
  return ms === undefined ? undefined : { kind: 'transition', durationMs: ms };
}

const transitionNoun = String.raw`(?:(?:cross[- ]?)?fades?|(?:cross[- ]?)?dissolves?|wipes?|slides?|transitions?)\b`;
const readTransitionLength = phrases(
  [
    [
      new RegExp(String.raw`(${duration})(?=\s*(?:long\s+)?(?:[a-z]+\s+)?${transitionNoun})`),
      (match) => transitionLength(match[1]),
    ],
    [
      new RegExp(
        String.raw`(?<=\btransitions?\b(?:\s+(?:of|lasting|last|at|to|should|be|take|length|duration|is|are|about)\b|\s*[:=])*\s*)(${duration})`,
      ),
      (match) => transitionLength(match[1]),
    ],
    [
      new RegExp(
        String.raw`(?<=(?:转场|过渡|切换)(?:效果)?(?:的)?(?:时间|时长|长度)?\s*(?:为|是|用|改为|改成|设为|调到|:)?\s*)(${duration})`,
      ),
      (match) => transitionLength(match[1]),
    ],
    [
      new RegExp(String.raw`(${duration})(?=\s*(?:的)?\s*(?:淡入淡出|溶解|擦除|滑动|渐变)?\s*(?:转场|过渡))`),
      (match) => transitionLength(match[1]),
    ],
  ],
  1,
);

const photoNoun = String.raw`(?:photo|picture|pic|image|slide|shot|clip)s?\b`;
const readPhotoLength = phrases([
  [
    new RegExp(
      String.raw`\b(?:each|every|per)\s+${photoNoun}(?:\s+(?:for|to|at|of|is|should|be|last|lasts|gets?|stays?|shows?|shown|displayed|display|appears?|on|screen)\b|\s*[:=])*\s*(${duration})`,
    ),
    (match) => length('perPhoto', match[1]),
  ],
  [
    new RegExp(
      String.raw`(${duration})\s*(?:(?:for|on)\s+)?(?:(?:each|every|per|a)\s+${photoNoun}|each\b|apiece\b)`,
    ),
    (match) => length('perPhoto', match[1]),
  ],
  [
    new RegExp(
      String.raw`每(?:一)?(?:(?:张|个|幅|段)(?:照片|图片|图|片段|素材|画面)?|照片|图片|图|片段|素材|画面)(?:都|各)?(?:显示|停留|播放|持续|放|展示)?(?:时间|时长)?(?:为|是)?\s*(${duration})`,
    ),
    (match) => length('perPhoto', match[1]),
  ],
  [
    new RegExp(String.raw`(?:照片|图片)(?:各|都)\s*(${duration})|一张\s*(${duration})`),
    (match) => length('perPhoto', match[1] ?? match[2]),
  ],
]);

const readTotalLength = phrases([[new RegExp(`(${duration})`), (match) => length('total', match[1])]]);

// ---------------------------------------------------------------------------------------------
// Shape, transitions, motion, pace

const readAspect = phrases([
  [
    /\b(?:youtube\s+shorts?|instagram\s+(?:stor(?:y|ies)|reels?))\b/,
    () => ({ kind: 'aspect', aspect: '9:16' }),
  ],
  [
    /\b9\s*[:x×/]\s*16\b|\bvertical(?:ly)?\b|\bportrait\b|\btik\s?toks?\b|\breels?\b|\bshorts\b|\bstories\b/,
    () => ({ kind: 'aspect', aspect: '9:16' }),
  ],
  [/竖屏|竖版|竖向|竖着|竖的|抖音|快手|视频号/, () => ({ kind: 'aspect', aspect: '9:16' })],
  [
    /\b16\s*[:x×/]\s*9\b|\bhorizontal(?:ly)?\b|\blandscape\b|\byoutube\b|\bwidescreen\b/,
    () => ({ kind: 'aspect', aspect: '16:9' }),
  ],
  [/横屏|横版|横向|横着|横的|宽屏|b站|哔哩哔哩/, () => ({ kind: 'aspect', aspect: '16:9' })],
  [/\b1\s*[:x×/]\s*1\b|\bsquare\b|正方形|方形|方的/, () => ({ kind: 'aspect', aspect: '1:1' })],
  [
    /\b4\s*[:x×/]\s*5\b|\binstagram\b(?:\s+(?:feed|posts?))?|\b(?:ig|feed)\s+posts?\b/,
    () => ({ kind: 'aspect', aspect: '4:5' }),
  ],
]);

function style(name: string): Intent {
  return { kind: 'transition', style: name };
}
function direction(text: string | undefined): string {
  if (text === undefined) return 'left';
  if (/right|右/.test(text)) return 'right';
  if (/up|上/.test(text)) return 'up';
  if (/down|下/.test(text)) return 'down';
  return 'left';
}

const readTransitionStyle = phrases([
  [
    new RegExp(
      String.raw`(?:\b(?:no|without|remove|drop|turn\s+off|skip|cut\s+out)|${dontWant})\s+(?:the\s+|any\s+|all\s+)?(?:[a-z]+\s+)?transitions?\b`,
    ),
    () => style('none'),
  ],
  [/\b(?:hard|straight|simple|plain|just)\s+cuts?\b|\bcut\s+straight\b/, () => style('none')],
  [/无转场|不要转场|去掉转场|没有转场|取消转场|不用转场|不加转场|直接切换|直接切|硬切/, () => style('none')],
  [/\bfade\s+(?:to|through)\s+black\b|\bdip\s+to\s+black\b|黑场|闪黑/, () => style('fadeblack')],
  [/\bfade\s+(?:to|through)\s+white\b|\bdip\s+to\s+white\b|闪白/, () => style('fadewhite')],
  [
    /\bzoom(?:[- ]?in)?\s+transitions?\b|\btransitions?\s*(?::|to|=|with)?\s*(?:an?\s+)?zoom\b|缩放转场|缩放/,
    () => style('zoomin'),
  ],
  [/\b(?:cross[- ]?)?dissolves?\b|溶解/, () => style('dissolve')],
  [/\b(?:cross[- ]?)?fades?\b|淡入淡出|渐变|淡化/, () => style('fade')],
  [
    /\bwipes?(?:\s+(?:to\s+the\s+|from\s+the\s+)?(left|right|up|down)\b)?|\b(left|right|up|down)(?:ward)?\s+wipes?\b/,
    (match) => style(`wipe${direction(match[1] ?? match[2])}`),
  ],
  [
    /\bslides?(?:\s+(?:to\s+the\s+)?(left|right|up|down)\b)?|\b(left|right|up|down)(?:ward)?\s+slides?\b/,
    (match) => style(`slide${direction(match[1] ?? match[2])}`),
  ],
  [
    /(?:(?:向|往|从)?(左|右|上|下)(?:边|方)?)?(擦除|滑动|滑入)(?:(?:向|往)(左|右|上|下))?/,
    (match) => style(`${match[2] === '擦除' ? 'wipe' : 'slide'}${direction(match[1] ?? match[3])}`),
  ],
  [/\bcircle\s*close\b|\bclosing\s+circle\b|圆形(?:收缩|收拢|关闭)/, () => style('circleclose')],
  [/\bcircle(?:\s*open)?\b|\bcircular\b|\biris\b|圆形(?:展开|打开)?|圆圈/, () => style('circleopen')],
]);

const readMotion = phrases([
  [
    new RegExp(
      String.raw`${dontWant}\s+(?:the\s+)?(?:motion|movement|zoom(?:ing)?|animation|ken\s+burns)\b|\bdon'?t\s+(?:zoom|move|pan)\b`,
    ),
    () => ({ kind: 'motion', motion: 'none' }),
  ],
  [
    /\bno\s+(?:motion|movement|zoom(?:ing)?|animation|ken\s+burns)\b|\bwithout\s+(?:motion|movement|zoom(?:ing)?|animation)\b|\bstatic\b|\bstay\s+still\b|\bkeep\s+(?:them|the\s+photos)\s+still\b/,
    () => ({ kind: 'motion', motion: 'none' }),
  ],
  [
    /静止|不要动效|无动效|没有动效|不要动画|不要缩放|固定不动|不要动/,
    () => ({ kind: 'motion', motion: 'none' }),
  ],
  [/\bzoom(?:ing)?[- ]?out\b|缩小|拉远/, () => ({ kind: 'motion', motion: 'zoom_out' })],
  [
    /\bzoom(?:ing)?(?:[- ]?in)?\b|\bken\s+burns\b|放大|推近|推进/,
    () => ({ kind: 'motion', motion: 'zoom_in' }),
  ],
  [
    /\bpan(?:ning)?\s+(?:to\s+the\s+)?left\b|向左平移|往左平移|左移/,
    () => ({ kind: 'motion', motion: 'pan_left' }),
  ],
  [
    /\bpan(?:ning|s)?\b(?:\s+(?:to\s+the\s+)?right\b)?|向右平移|往右平移|右移|平移/,
    () => ({ kind: 'motion', motion: 'pan_right' }),
  ],
]);

const readPace = phrases([
  [
    /\b(?:faster|quicker|speed\s+(?:it\s+)?up|snappier|shorter|more\s+quickly|pick\s+up\s+the\s+pace)\b|快一点|快一些|快点|加快|节奏快|更快|紧凑一?点|短一点|缩短/,
    () => ({ kind: 'pace', pace: 'faster' }),
  ],
  [
    /\b(?:slower|slow\s+(?:it\s+)?down|longer|more\s+slowly)\b|慢一点|慢一些|慢点|放慢|节奏慢|更慢|长一点|延长/,
    () => ({ kind: 'pace', pace: 'slower' }),
  ],
]);

// ---------------------------------------------------------------------------------------------

/** In this order: the specific readers first, so the general ones only see what is left. */
const readers: Reader[] = [
  readTexts,
  readMake,
  readMusicRemoval,
  readOrder,
  readMusicFades,
  readMusicVolume,
  readPhotoLength,
  readTransitionLength,
  readTotalLength,
  readAspect,
  readTransitionStyle,
  readMotion,
  readPace,
  readMusic,
];

/** Everything an instruction asks for, in the order the phrases appear. */
export function readInstruction(instruction: string): Found[] {
  const scan = scanInstruction(instruction);
  return readers.flatMap((read) => read(scan)).toSorted((a, b) => a.at - b.at);
}
