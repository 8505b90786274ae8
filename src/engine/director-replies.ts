/**
 * What the director tells the person, in English or Chinese: one short sentence per edit (or one
 * summary of a new video), then anything it couldn't do; or, when it understood nothing, what it
 * can do.
 */
import type { Language } from '../core/seam.ts';
import type { DirectorAction } from './director.ts';
import type { Note, Problem } from './director-edits.ts';
import type { TextPosition, TextSize, TextTarget } from './director-intents.ts';
import { type AspectRatio, draftDurationMs, type EngineDraft, type Motion } from './draft.ts';

/** Seconds to one decimal, without a needless ".0". */
function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

/** "1 min 30 s", "12 s"; "1分钟30秒", "12秒". */
function clock(ms: number, minute: string, second: string): string {
  const minutes = Math.floor(Math.round(ms / 100) / 600);
  const rest = ms - minutes * 60_000;
  if (minutes === 0) return `${seconds(ms)}${second}`;
  return `${minutes}${minute}${rest >= 50 ? `${minute.startsWith(' ') ? ' ' : ''}${seconds(rest)}${second}` : ''}`;
}

/** Said when a length was asked for beyond what the director makes. */
function limit(args: Record<string, unknown>, shortest: string, longest: string): string {
  if (typeof args.requestedMs !== 'number' || typeof args.durationMs !== 'number') return '';
  return args.durationMs > args.requestedMs ? shortest : longest;
}

type Args = Record<string, unknown>;
const num = (args: Args, key: string) => (typeof args[key] === 'number' ? args[key] : 0);
const str = (args: Args, key: string) => (typeof args[key] === 'string' ? args[key] : '');
const percent = (volume: number) => `${Math.round(volume * 100)}%`;

interface Words {
  seconds(ms: number): string;
  range(startMs: number, durationMs: number): string;
  aspect: Record<AspectRatio, string>;
  direction: Record<string, string>;
  transition(style: string): string;
  motion: Record<Motion, string>;
  position: Record<TextPosition, string>;
  size: Record<TextSize, string>;
  quote(text: string): string;
  list(items: string[]): string;
  made(count: string, durationMs: number, aspect: string, features: string[]): string;
  media(photos: number, clips: number): string;
  features: {
    transition(style: string, durationMs: number): string;
    motion(motion: Motion): string;
    music(name: string): string;
    title(text: string): string;
    caption(text: string): string;
  };
  action: Record<string, (args: Args) => string>;
  order(names: string[]): string;
  problem(problem: Problem): string;
  note(note: Note): string;
  sentenceJoin: string;
  capabilities: string[];
  notUnderstood: string;
  noMedia: string;
}

function transitionName(
  style: string,
  names: Record<string, string>,
  direction: Record<string, string>,
  join: string,
) {
  const directed = /^(wipe|slide)(left|right|up|down)$/.exec(style);
  if (directed) {
    const [, kind = '', way = ''] = directed;
    return join === ' ' ? `${names[kind]} ${direction[way]}` : `${direction[way]}${names[kind]}`;
  }
  return names[style] ?? style;
}

function place(args: Args, first: string, last: string, nth: (position: number) => string): string {
  const to = num(args, 'to');
  return to === 1 ? first : args.last === true ? last : nth(to);
}

const englishTargets: Record<TextTarget, string> = {
  title: 'The title',
  caption: 'The captions',
  all: 'The text',
};
const chineseTargets: Record<TextTarget, string> = { title: '标题', caption: '字幕', all: '文字' };

const english: Words = {
  seconds: (ms) => clock(ms, ' min', ' s'),
  range: (start, duration) => `${seconds(start)}–${seconds(start + duration)} s`,
  aspect: { '16:9': 'horizontal (16:9)', '9:16': 'vertical (9:16)', '1:1': 'square (1:1)', '4:5': '4:5' },
  direction: { left: 'left', right: 'right', up: 'up', down: 'down' },
  transition: (style) =>
    transitionName(
      style,
      {
        fade: 'fade',
        fadeblack: 'fade to black',
        fadewhite: 'fade to white',
        dissolve: 'dissolve',
        wipe: 'wipe',
        slide: 'slide',
        circleopen: 'circle',
        circleclose: 'closing circle',
        zoomin: 'zoom',
      },
      english.direction,
      ' ',
    ),
  motion: {
    zoom_in: 'zoom in',
    zoom_out: 'zoom out',
    pan_left: 'pan left',
    pan_right: 'pan right',
    none: 'none',
  },
  position: { top: 'at the top', center: 'in the center', bottom: 'at the bottom' },
  size: { large: 'large', medium: 'medium', small: 'small' },
  quote: (text) => `"${text}"`,
  list: (items) =>
    items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`,
  media: (photos, clips) =>
    english.list([
      ...(photos > 0 ? [`${photos} ${photos === 1 ? 'photo' : 'photos'}`] : []),
      ...(clips > 0 ? [`${clips} ${clips === 1 ? 'clip' : 'clips'}`] : []),
    ]),
  made: (count, durationMs, aspect, features) =>
    `Made a ${english.seconds(durationMs)} ${aspect} video from ${count} with ${english.list(features)}.`,
  features: {
    transition: (style, durationMs) =>
      style === 'none'
        ? 'no transitions (hard cuts)'
        : `${durationMs === 600 ? '' : `${english.seconds(durationMs)} `}${english.transition(style)} transitions`,
    motion: (motion) => (motion === 'none' ? 'still photos' : `${english.motion[motion]} motion`),
    music: (name) => `music ${english.quote(name)}`,
    title: (text) => `the title ${english.quote(text)}`,
    caption: (text) => `the caption ${english.quote(text)}`,
  },
  action: {
    set_aspect: (args) => `Changed the shape to ${english.aspect[str(args, 'aspect') as AspectRatio]}.`,
    set_transition: (args) =>
      str(args, 'style') === 'none'
        ? 'Removed the transitions: hard cuts now.'
        : `Transitions: ${english.transition(str(args, 'style'))}, ${english.seconds(num(args, 'durationMs'))}.`,
    set_motion: (args) =>
      str(args, 'motion') === 'none'
        ? 'Photos now stay still.'
        : `Photo motion: ${english.motion[str(args, 'motion') as Motion]}.`,
    set_duration: (args) =>
      `The video is now ${english.seconds(num(args, 'durationMs'))} long${limit(args, ' (the shortest I make)', ' (the longest I make)')}${
        typeof args.transitionMs === 'number'
          ? ` (transitions shortened to ${english.seconds(args.transitionMs)} to fit)`
          : ''
      }.`,
    set_photo_duration: (args) =>
      `Each photo now shows for ${english.seconds(num(args, 'durationMs'))}; the video is ${english.seconds(num(args, 'totalMs'))} long${
        typeof args.transitionMs === 'number'
          ? ` (transitions shortened to ${english.seconds(args.transitionMs)} to fit)`
          : ''
      }.`,
    change_pace: (args) =>
      `${str(args, 'pace') === 'faster' ? 'Sped up' : 'Slowed down'} the pace: the video is now ${english.seconds(num(args, 'durationMs'))} long.`,
    reorder: (args) =>
      str(args, 'op') === 'reverse'
        ? 'Reversed the order.'
        : str(args, 'op') === 'swap'
          ? `Swapped photos ${num(args, 'a')} and ${num(args, 'b')}.`
          : `Moved ${english.quote((args.names as string[] | undefined)?.[0] ?? '')} to ${place(args, 'the start', 'the end', (to) => `position ${to}`)}.`,
    add_music: (args) =>
      `Added the music ${english.quote(str(args, 'name'))} at ${percent(num(args, 'volume'))} volume.`,
    set_music_volume: (args) => `Music volume: ${percent(num(args, 'volume'))}.`,
    set_music_fade: (args) => {
      const [fadeIn, fadeOut] = [num(args, 'fadeInMs'), num(args, 'fadeOutMs')];
      const parts = [
        ...(fadeIn > 0 ? [`in over ${english.seconds(fadeIn)}`] : []),
        ...(fadeOut > 0 ? [`out over ${english.seconds(fadeOut)}`] : []),
      ];
      return parts.length === 0 ? 'The music no longer fades.' : `The music fades ${parts.join(' and ')}.`;
    },
    remove_music: () => 'Removed the music.',
    set_title: (args) => `Title set to ${english.quote(str(args, 'text'))} (${textDetails(english, args)}).`,
    add_caption: (args) =>
      `Added the caption ${english.quote(str(args, 'text'))} (${textDetails(english, args)}).`,
    update_text: (args) =>
      `${englishTargets[str(args, 'target') as TextTarget]} is now ${textDetails(english, args)}.`,
    remove_title: () => 'Removed the title.',
    remove_captions: () => 'Removed the captions.',
    remove_text: () => 'Removed all text.',
  },
  order: (names) => `Order now: ${names.join(', ')}.`,
  problem: (problem) => {
    switch (problem.kind) {
      case 'noVisual':
        return 'Send photos or clips first, then ask me to make the video.';
      case 'noAudio':
        return 'To add music, send an audio file first (mp3, wav, m4a or aac).';
      case 'noSuchPhoto':
        return `The video has ${problem.count} ${problem.count === 1 ? 'photo or clip' : 'photos and clips'}, so I couldn't find that one.`;
      case 'noText':
        return problem.target === 'caption'
          ? `There are no captions yet: put one in quotes, e.g. caption 'Shop now'.`
          : `There's no ${problem.target === 'title' ? 'title' : 'text'} yet: put it in quotes, e.g. title 'Summer Sale'.`;
    }
  },
  note: (note) =>
    note.kind === 'musicAlready'
      ? `The music ${english.quote(note.name)} is already on.`
      : {
          music: "There's no music to remove.",
          title: "There's no title to remove.",
          caption: 'There are no captions to remove.',
          all: "There's no text to remove.",
        }[note.what],
  sentenceJoin: ' ',
  capabilities: [
    'make a video from your photos and clips: "make a video"',
    'set the length: "30 seconds", "each photo 2 seconds"',
    'change the shape: vertical (TikTok, Reels, Shorts), square, 4:5 or horizontal',
    'transitions: fade, dissolve, wipe, slide, circle, zoom or none; "1 second transitions"',
    'photo motion: zoom in, zoom out, pan left or right, or none',
    'music from an audio file you send: "volume 30%", "quieter", "fade the music in and out", "remove the music"',
    `a title or caption in quotes: "title 'Summer Sale' at the top", "caption 'Shop now' for the first 3 seconds"`,
    'pace and order: "faster", "slower", "reverse the order", "swap photo 1 and 2", "move photo 3 to the start"',
  ],
  notUnderstood: "Sorry, I didn't understand that, so nothing changed. I can:",
  noMedia: 'Send photos or clips first, then tell me what to make. I can:',
};

const chinese: Words = {
  seconds: (ms) => clock(ms, '分钟', '秒'),
  range: (start, duration) => `${seconds(start)}–${seconds(start + duration)}秒`,
  aspect: { '16:9': '横屏（16:9）', '9:16': '竖屏（9:16）', '1:1': '方形（1:1）', '4:5': '4:5' },
  direction: { left: '向左', right: '向右', up: '向上', down: '向下' },
  transition: (style) =>
    transitionName(
      style,
      {
        fade: '淡入淡出',
        fadeblack: '黑场',
        fadewhite: '闪白',
        dissolve: '溶解',
        wipe: '擦除',
        slide: '滑动',
        circleopen: '圆形展开',
        circleclose: '圆形收拢',
        zoomin: '缩放',
      },
      chinese.direction,
      '',
    ),
  motion: {
    zoom_in: '放大（推近）',
    zoom_out: '缩小（拉远）',
    pan_left: '向左平移',
    pan_right: '向右平移',
    none: '静止',
  },
  position: { top: '顶部', center: '居中', bottom: '底部' },
  size: { large: '大字', medium: '中等字号', small: '小字' },
  quote: (text) => `“${text}”`,
  list: (items) => items.join('，'),
  media: (photos, clips) =>
    [...(photos > 0 ? [`${photos}张照片`] : []), ...(clips > 0 ? [`${clips}段视频`] : [])].join('和'),
  made: (count, durationMs, aspect, features) =>
    `已用${count}制作了一个${chinese.seconds(durationMs)}的${aspect}视频：${chinese.list(features)}。`,
  features: {
    transition: (style, durationMs) =>
      style === 'none'
        ? '无转场（直接切换）'
        : `${chinese.transition(style)}转场${durationMs === 600 ? '' : `（${chinese.seconds(durationMs)}）`}`,
    motion: (motion) => (motion === 'none' ? '照片静止' : `照片${chinese.motion[motion]}`),
    music: (name) => `背景音乐${chinese.quote(name)}`,
    title: (text) => `标题${chinese.quote(text)}`,
    caption: (text) => `字幕${chinese.quote(text)}`,
  },
  action: {
    set_aspect: (args) => `画面比例改为${chinese.aspect[str(args, 'aspect') as AspectRatio]}。`,
    set_transition: (args) =>
      str(args, 'style') === 'none'
        ? '已去掉转场，改为直接切换。'
        : `转场改为${chinese.transition(str(args, 'style'))}，每次${chinese.seconds(num(args, 'durationMs'))}。`,
    set_motion: (args) =>
      str(args, 'motion') === 'none'
        ? '照片改为静止。'
        : `照片动效改为${chinese.motion[str(args, 'motion') as Motion]}。`,
    set_duration: (args) =>
      `视频时长改为${chinese.seconds(num(args, 'durationMs'))}${limit(args, '（最短只能这么短）', '（最长只能这么长）')}${
        typeof args.transitionMs === 'number'
          ? `（为了放得下，转场缩短为${chinese.seconds(args.transitionMs)}）`
          : ''
      }。`,
    set_photo_duration: (args) =>
      `每张照片显示${chinese.seconds(num(args, 'durationMs'))}，视频共${chinese.seconds(num(args, 'totalMs'))}${
        typeof args.transitionMs === 'number'
          ? `（为了放得下，转场缩短为${chinese.seconds(args.transitionMs)}）`
          : ''
      }。`,
    change_pace: (args) =>
      `节奏${str(args, 'pace') === 'faster' ? '加快' : '放慢'}了，视频现在${chinese.seconds(num(args, 'durationMs'))}。`,
    reorder: (args) =>
      str(args, 'op') === 'reverse'
        ? '已倒序排列。'
        : str(args, 'op') === 'swap'
          ? `已交换第${num(args, 'a')}张和第${num(args, 'b')}张。`
          : `已把${chinese.quote((args.names as string[] | undefined)?.[0] ?? '')}移到${place(args, '最前面', '最后面', (to) => `第${to}位`)}。`,
    add_music: (args) =>
      `已添加背景音乐${chinese.quote(str(args, 'name'))}，音量${percent(num(args, 'volume'))}。`,
    set_music_volume: (args) => `背景音乐音量调到${percent(num(args, 'volume'))}。`,
    set_music_fade: (args) => {
      const [fadeIn, fadeOut] = [num(args, 'fadeInMs'), num(args, 'fadeOutMs')];
      const parts = [
        ...(fadeIn > 0 ? [`淡入${chinese.seconds(fadeIn)}`] : []),
        ...(fadeOut > 0 ? [`淡出${chinese.seconds(fadeOut)}`] : []),
      ];
      return parts.length === 0 ? '背景音乐不再淡入淡出。' : `背景音乐${parts.join('、')}。`;
    },
    remove_music: () => '已去掉背景音乐。',
    set_title: (args) => `标题设为${chinese.quote(str(args, 'text'))}（${textDetails(chinese, args)}）。`,
    add_caption: (args) => `已添加字幕${chinese.quote(str(args, 'text'))}（${textDetails(chinese, args)}）。`,
    update_text: (args) =>
      `${chineseTargets[str(args, 'target') as TextTarget]}已改为${textDetails(chinese, args)}。`,
    remove_title: () => '已去掉标题。',
    remove_captions: () => '已去掉字幕。',
    remove_text: () => '已去掉所有文字。',
  },
  order: (names) => `现在的顺序：${names.join('、')}。`,
  problem: (problem) => {
    switch (problem.kind) {
      case 'noVisual':
        return '请先发送照片或视频片段，再让我做视频。';
      case 'noAudio':
        return '要加背景音乐，请先发送一个音频文件（mp3、wav、m4a 或 aac）。';
      case 'noSuchPhoto':
        return `视频里只有${problem.count}张照片或片段，找不到你说的那一张。`;
      case 'noText':
        return problem.target === 'caption'
          ? '还没有字幕：把文字放在引号里，例如 字幕“立即购买”。'
          : `还没有${problem.target === 'title' ? '标题' : '文字'}：把文字放在引号里，例如 标题“夏日特卖”。`;
    }
  },
  note: (note) =>
    note.kind === 'musicAlready'
      ? `背景音乐${chinese.quote(note.name)}已经加上了。`
      : {
          music: '视频里没有背景音乐，不用去掉。',
          title: '视频里没有标题，不用去掉。',
          caption: '视频里没有字幕，不用去掉。',
          all: '视频里没有文字，不用去掉。',
        }[note.what],
  sentenceJoin: '',
  capabilities: [
    '用你发的照片和视频片段做视频：“做一个视频”',
    '设置时长：“30秒”“每张照片2秒”',
    '改画面比例：竖屏（抖音）、方形、4:5 或横屏',
    '转场：淡入淡出、溶解、擦除、滑动、圆形、缩放或无转场；“转场1秒”',
    '照片动效：放大、缩小、向左或向右平移，或者静止',
    '用你发的音频做背景音乐：“音量30%”“小声一点”“音乐淡入淡出”“去掉音乐”',
    '加引号里的标题或字幕：标题“夏日特卖”放在顶部、字幕“立即购买”显示前3秒',
    '节奏和顺序：“快一点”“慢一点”“倒序”“交换第1张和第2张”“把第3张移到最前面”',
  ],
  notUnderstood: '抱歉，我没看懂这条指令，视频没有改动。我可以：',
  noMedia: '请先发送照片或视频片段，再告诉我要做什么。我可以：',
};

const words: Record<Language, Words> = { en: english, zh: chinese };

function textDetails(language: Words, args: Args): string {
  const parts: string[] = [];
  if (typeof args.position === 'string') parts.push(language.position[args.position as TextPosition]);
  if (typeof args.size === 'string') parts.push(language.size[args.size as TextSize]);
  if (typeof args.startMs === 'number') parts.push(language.range(args.startMs, num(args, 'durationMs')));
  return parts.join(language === english ? ', ' : '，');
}

// ---------------------------------------------------------------------------------------------

/** Edits the summary of a new video already covers. */
const summarised = new Set([
  'make_video',
  'set_duration',
  'set_photo_duration',
  'change_pace',
  'set_aspect',
  'set_transition',
  'set_motion',
  'add_music',
  'set_title',
  'add_caption',
]);

function madeSummary(draft: EngineDraft, action: DirectorAction, language: Words): string {
  const photos = num(action.args, 'photos');
  const clips = num(action.args, 'clips');
  const features = [language.features.transition(draft.m.transition.style, draft.m.transition.durationMs)];
  if (draft.m.motion !== 'zoom_in' && photos > 0) features.push(language.features.motion(draft.m.motion));
  const [music] = draft.t[1].sg;
  if (music) features.push(language.features.music(music.m.name));
  for (const text of draft.t[2].sg) {
    const isTitle = draft.m.title !== undefined && text.m.text === draft.m.title;
    features.push(isTitle ? language.features.title(text.m.text) : language.features.caption(text.m.text));
  }
  return language.made(
    language.media(photos, clips),
    draftDurationMs(draft),
    language.aspect[draft.m.aspect],
    features,
  );
}

/** The reply to an instruction that changed or confirmed something. */
export function describeEdits(
  draft: EngineDraft,
  actions: DirectorAction[],
  problems: Problem[],
  notes: Note[],
  language: Language,
): string {
  const chosen = words[language];
  const made = actions.find((action) => action.name === 'make_video');
  const sentences = made ? [madeSummary(draft, made, chosen)] : [];
  for (const action of actions) {
    if (made && summarised.has(action.name)) continue;
    const line = chosen.action[action.name]?.(action.args);
    if (line) sentences.push(line);
  }
  const segments = draft.t[0].sg;
  if (actions.some((action) => action.name === 'reorder') && segments.length <= 8) {
    sentences.push(chosen.order(segments.map((segment) => segment.m.name)));
  }
  sentences.push(...notes.map(chosen.note), ...problems.map(chosen.problem));
  return sentences.join(chosen.sentenceJoin);
}

/** The reply when nothing was done: what went wrong, or what the director can do. */
export function describeFailure(problems: Problem[], noMedia: boolean, language: Language): string {
  const chosen = words[language];
  const list = chosen.capabilities.map((line) => `• ${line}`).join('\n');
  if (noMedia) return `${chosen.noMedia}\n${list}`;
  if (problems.length > 0) return problems.map(chosen.problem).join(chosen.sentenceJoin);
  return `${chosen.notUnderstood}\n${list}`;
}

/** The capability list alone, for help texts. */
export function capabilities(language: Language): string[] {
  return [...words[language].capabilities];
}
