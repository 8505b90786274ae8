/**
 * Music phrases: removing it ("no music", 去掉背景音乐), fading it ("fade the music in and out",
 * 音乐淡入淡出), its volume ("volume 30%", "quieter", 小声一点) and adding it ("with music", 配乐).
 */
import type { Intent } from './director-intents.ts';
import {
  chineseNumber,
  parseDuration,
  parseNumber,
  parsePercent,
  percentPattern,
} from './director-numbers.ts';
import { dontWant, duration, musicNoun, phrases } from './director-words.ts';

const removeMusic: Intent = { kind: 'removeMusic' };
export const readMusicRemoval = phrases([
  [
    new RegExp(
      String.raw`(?:\b(?:remove|delete|drop|lose|mute|kill|cut|get\s+rid\s+of|take\s+(?:out|off|away)|turn\s+off|no|without|stop)|${dontWant})\b(?:\s+(?:the|all|any|both|and|&|titles?|captions?|subtitles?|texts?))*\s+${musicNoun}`,
    ),
    () => removeMusic,
  ],
  [/\bmute(?:\s+(?:it|the\s+video|everything))?\b|\bsilent\b|\bno\s+sound\b/, () => removeMusic],
  [
    new RegExp(
      String.raw`(?:去掉|去除|删除|删掉|不要|移除|取消|拿掉|关掉|关闭)(?:把|所有|全部|的|和|与|跟|及|、|\s)*${musicNoun}`,
    ),
    () => removeMusic,
  ],
  [
    new RegExp(String.raw`${musicNoun}\s*(?:也|都)?(?:去掉|去除|删除|删掉|不要了?|拿掉|关掉)`),
    () => removeMusic,
  ],
  [/静音|没有声音|不要声音/, () => removeMusic],
]);

const fadeLength = String.raw`(?:\s*(?:over|for|of|in|lasting)?\s*(${duration}))?`;
function fade(which: string, length: string | undefined): Intent {
  const ms = length === undefined ? 1000 : (parseDuration(length) ?? 1000);
  const both = /in.*out|淡入淡出/.test(which);
  if (both) return { kind: 'musicFade', inMs: ms, outMs: ms };
  return /in|入/.test(which) ? { kind: 'musicFade', inMs: ms } : { kind: 'musicFade', outMs: ms };
}

export const readMusicFades = phrases([
  [
    new RegExp(String.raw`\bfade\s+(?:the\s+)?${musicNoun}\s+(in\s+and\s+out|in|out)\b${fadeLength}`),
    (match) => fade(match[1] ?? '', match[2]),
  ],
  [
    new RegExp(
      String.raw`${musicNoun}\s+(?:should\s+|to\s+|will\s+)?fades?\s+(in\s+and\s+out|in|out)\b${fadeLength}`,
    ),
    (match) => fade(match[1] ?? '', match[2]),
  ],
  [
    new RegExp(String.raw`\bfade\s+(in|out)\s+(?:the\s+)?${musicNoun}${fadeLength}`),
    (match) => fade(match[1] ?? '', match[2]),
  ],
  [
    new RegExp(
      String.raw`\b(fade[- ]?ins?\s+and\s+(?:fade[- ]?)?outs?|fade[- ]?ins?|fade[- ]?outs?)\b(?!\s*transitions?)${fadeLength}`,
    ),
    (match) => fade(match[1] ?? '', match[2]),
  ],
  [
    new RegExp(
      String.raw`(?<=${musicNoun}[^，。；,;!?！？]{0,6}?)(淡入淡出|淡入|淡出)(?!\s*(?:的)?(?:转场|过渡))\s*(${duration})?`,
    ),
    (match) => fade(match[1] ?? '', match[2]),
  ],
  [
    new RegExp(`(淡入淡出|淡入|淡出)(?=[^，。；,;!?！？转场过渡]{0,3}${musicNoun})`),
    (match) => fade(match[1] ?? '', undefined),
  ],
  [new RegExp(String.raw`(淡入)(?!淡出)\s*(${duration})?`), (match) => fade('淡入', match[2])],
  [new RegExp(String.raw`(?<!淡入)(淡出)\s*(${duration})?`), (match) => fade('淡出', match[2])],
]);

function volume(text: string | undefined): Intent | undefined {
  const percent = text === undefined ? undefined : (parsePercent(text) ?? parseNumber(text));
  return percent === undefined
    ? undefined
    : { kind: 'musicVolume', percent: Math.min(100, Math.max(0, percent)) };
}

const volumeValue = String.raw`(${percentPattern}|\d+(?:\.\d+)?|${chineseNumber})`;
const quieter: Intent = { kind: 'musicVolume', delta: -20 };
const louder: Intent = { kind: 'musicVolume', delta: 20 };
export const readMusicVolume = phrases([
  [
    new RegExp(
      String.raw`\b(?:volume|vol)\b(?:\s+of\s+(?:the\s+)?${musicNoun})?\s*(?:to|at|=|:|is|of)?\s*(?:about\s+)?${volumeValue}`,
    ),
    (match) => volume(match[1]),
  ],
  [new RegExp(String.raw`(${percentPattern})\s*(?:volume|vol\b|音量)`), (match) => volume(match[1])],
  [
    new RegExp(String.raw`${musicNoun}\s+(?:volume\s+)?(?:to|at)\s+(${percentPattern})`),
    (match) => volume(match[1]),
  ],
  [
    new RegExp(
      String.raw`(?:音量|声音)\s*(?:调到|调成|调为|改成|改为|设为|设置为|设成|降到|提高到|为|到|是|:)?\s*${volumeValue}`,
    ),
    (match) => volume(match[1]),
  ],
  [
    /\b(?:quieter|softer|less\s+loud|lower\s+(?:the\s+)?(?:music|volume)|turn\s+(?:the\s+)?(?:music|volume)\s+down|turn\s+down\s+(?:the\s+)?(?:music|volume)|volume\s+down|reduce\s+(?:the\s+)?volume|decrease\s+(?:the\s+)?volume)\b/,
    () => quieter,
  ],
  [
    /\b(?:louder|turn\s+(?:the\s+)?(?:music|volume)\s+up|turn\s+up\s+(?:the\s+)?(?:music|volume)|volume\s+up|raise\s+(?:the\s+)?volume|increase\s+(?:the\s+)?volume)\b/,
    () => louder,
  ],
  [
    /(?:小声|轻声)(?:一)?(?:点|些)|(?:声音|音量|音乐|配乐)(?:再)?(?:小|轻|低)(?:一)?(?:点|些)|(?:调小|降低|减小|调低)(?:一下)?(?:背景)?(?:音乐|配乐)?(?:的)?(?:音量|声音)|(?:音量|声音)(?:调小|降低|减小|调低)/,
    () => quieter,
  ],
  [
    /(?:大声|响)(?:一)?(?:点|些)|(?:声音|音量|音乐|配乐)(?:再)?(?:大|响|高)(?:一)?(?:点|些)|(?:调大|提高|增大|调高)(?:一下)?(?:背景)?(?:音乐|配乐)?(?:的)?(?:音量|声音)|(?:音量|声音)(?:调大|提高|增大|调高)/,
    () => louder,
  ],
]);

const addMusic: Intent = { kind: 'music' };
export const readMusic = phrases([[new RegExp(musicNoun), () => addMusic]]);
