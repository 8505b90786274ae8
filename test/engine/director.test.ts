import { describe, expect, it } from 'vitest';
import { summarizeTimeline } from '../../src/core/draft.ts';
import type { Language } from '../../src/core/seam.ts';
import { type DirectorResult, direct } from '../../src/engine/director.ts';
import { draftDurationMs, type EngineDraft, engineDraftSchema } from '../../src/engine/draft.ts';
import type { MediaItem } from '../../src/engine/media.ts';

const id = (n: number) => n.toString(16).padStart(32, '0');
const photo = (n: number, name: string): MediaItem => ({
  id: id(n),
  kind: 'image',
  name,
  width: 4000,
  height: 3000,
});
const audio = (n: number, name: string): MediaItem => ({ id: id(n), kind: 'audio', name, durationMs: 5000 });
const clip = (n: number, name: string, durationMs: number): MediaItem => ({
  id: id(n),
  kind: 'video',
  name,
  durationMs,
});

const photos = [photo(1, 'a.jpg'), photo(2, 'b.jpg'), photo(3, 'c.jpg')];
const tone = audio(4, 'tone.wav');
const media = [...photos, tone];

function run(
  instruction: string,
  language: Language,
  draft: EngineDraft | null = null,
  items = media,
): DirectorResult {
  const result = direct({ instruction, draft, media: items, language });
  if (result.draft) engineDraftSchema.parse(result.draft);
  return result;
}

/** A draft made with "make a video" (3 photos, defaults), optionally edited further. */
function made(...instructions: string[]): EngineDraft {
  let draft = run('make a video', 'en').draft;
  for (const instruction of instructions) draft = run(instruction, 'en', draft).draft;
  if (!draft) throw new Error('no draft');
  return draft;
}

function edit(instruction: string, language: Language, draft = made()): EngineDraft {
  const result = run(instruction, language, draft);
  expect(result.understood, `${instruction} → ${result.reply}`).toBe(true);
  if (!result.draft) throw new Error('no draft');
  return result.draft;
}

const visual = (draft: EngineDraft) => draft.t[0].sg;
const order = (draft: EngineDraft) => visual(draft).map((segment) => segment.m.name);
const music = (draft: EngineDraft) => draft.t[1].sg[0];
const texts = (draft: EngineDraft) => draft.t[2].sg;

function expectSegmentsLongerThanTransition(draft: EngineDraft): void {
  for (const segment of visual(draft)) expect(segment.d).toBeGreaterThan(draft.m.transition.durationMs);
}

describe('making a video', () => {
  it.each([
    ['en', 'make a video'],
    ['en', 'turn these into a video'],
    ['en', 'create a slideshow'],
    ['zh', '做一个视频'],
    ['zh', '把这些照片做成视频'],
  ] as const)('%s: %s builds from every photo with the defaults', (language, instruction) => {
    const result = run(instruction, language);
    expect(result.understood).toBe(true);
    const draft = result.draft as EngineDraft;
    expect(order(draft)).toEqual(['a.jpg', 'b.jpg', 'c.jpg']);
    expect(visual(draft).map((segment) => segment.m.media)).toEqual([id(1), id(2), id(3)]);
    expect(visual(draft).map((segment) => [segment.d, segment.m.kind, segment.m.motion])).toEqual([
      [3000, 'image', 'zoom_in'],
      [3000, 'image', 'zoom_in'],
      [3000, 'image', 'zoom_in'],
    ]);
    expect(draft.m).toEqual({
      aspect: '16:9',
      width: 1920,
      height: 1080,
      fps: 30,
      transition: { style: 'fade', durationMs: 600 },
      motion: 'zoom_in',
    });
    expect(draft.t[1].sg).toEqual([]);
    expect(texts(draft)).toEqual([]);
    expect(result.actions[0]).toEqual({
      name: 'make_video',
      args: { media: [id(1), id(2), id(3)], photos: 3, clips: 0 },
    });
  });

  it('replies with what it made, in either language', () => {
    expect(run('make a video', 'en').reply).toBe(
      'Made a 7.8 s horizontal (16:9) video from 3 photos with fade transitions.',
    );
    expect(run('做一个视频', 'zh').reply).toBe(
      '已用3张照片制作了一个7.8秒的横屏（16:9）视频：淡入淡出转场。',
    );
  });

  it.each([
    ['en', 'make a video with music'],
    ['en', 'make a video with background music'],
    ['zh', '做一个带背景音乐的视频'],
    ['zh', '做一个视频，加上配乐'],
  ] as const)('%s: %s uses the last uploaded audio file for the whole video', (language, instruction) => {
    const items = [photos[0], audio(5, 'first.mp3'), ...photos.slice(1), tone] as MediaItem[];
    const draft = run(instruction, language, null, items).draft as EngineDraft;
    expect(draft.t[1].sg).toEqual([
      {
        d: draftDurationMs(draft),
        m: { media: tone.id, name: 'tone.wav', volume: 0.8, fadeInMs: 0, fadeOutMs: 1000, start: 0 },
      },
    ]);
  });

  it('adds no music unless asked', () => {
    expect(run('make a vertical video', 'en').draft?.t[1].sg).toEqual([]);
  });

  it('keeps clips at their own length up to 10 s, without motion, in upload order', () => {
    const items = [clip(7, 'long.mp4', 25_000), photo(1, 'a.jpg'), clip(8, 'short.mov', 4200)];
    const draft = run('make a video', 'en', null, items).draft as EngineDraft;
    expect(
      visual(draft).map((segment) => [segment.m.name, segment.m.kind, segment.d, segment.m.motion]),
    ).toEqual([
      ['long.mp4', 'video', 10_000, 'none'],
      ['a.jpg', 'image', 3000, 'zoom_in'],
      ['short.mov', 'video', 4200, 'none'],
    ]);
    expect(run('make a video', 'en', null, items).reply).toContain('from 1 photo and 2 clips');
  });

  it('builds a draft for any instruction when there is none yet but there are photos', () => {
    const result = run('make it vertical', 'en');
    expect(result.understood).toBe(true);
    expect(result.actions.map((action) => action.name)).toEqual(['make_video', 'set_aspect']);
    expect(result.draft?.m.aspect).toBe('9:16');
  });

  it('rebuilds from all uploads when asked to make a video again', () => {
    const draft = made('make it square', 'swap photo 1 and 2');
    const result = run('make a video', 'en', draft, [...media, photo(9, 'd.jpg')]);
    expect(order(result.draft as EngineDraft)).toEqual(['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg']);
    expect(result.draft?.m.aspect).toBe('16:9');
  });
});

describe('the combined instruction from the issue', () => {
  it.each([
    [
      'en',
      "make a 12-second vertical video with fade transitions, music and the title 'Summer Sale'",
      'Summer Sale',
    ],
    ['zh', '做一个12秒的竖屏视频，淡入淡出转场，加上背景音乐和标题“夏日特卖”', '夏日特卖'],
  ] as const)(
    '%s: applies length, shape, transition, music and title at once',
    (language, instruction, title) => {
      const result = run(instruction, language);
      const draft = result.draft as EngineDraft;
      expect(result.actions.map((action) => action.name)).toEqual([
        'make_video',
        'set_aspect',
        'set_transition',
        'set_duration',
        'add_music',
        'set_title',
      ]);
      expect(draftDurationMs(draft)).toBe(12_000);
      expect(visual(draft).map((segment) => segment.d)).toEqual([4400, 4400, 4400]);
      expect(draft.m).toMatchObject({
        aspect: '9:16',
        width: 1080,
        height: 1920,
        transition: { style: 'fade', durationMs: 600 },
      });
      expect(music(draft)).toMatchObject({ d: 12_000, m: { media: tone.id, name: 'tone.wav', start: 0 } });
      expect(texts(draft)).toEqual([
        { d: 3000, m: { text: title, start: 0, position: 'center', size: 'large' } },
      ]);
      expect(draft.m.title).toBe(title);
    },
  );

  it('says what it did', () => {
    expect(
      run("make a 12-second vertical video with fade transitions, music and the title 'Summer Sale'", 'en')
        .reply,
    ).toBe(
      'Made a 12 s vertical (9:16) video from 3 photos with fade transitions, music "tone.wav" and the title "Summer Sale".',
    );
    expect(run('做一个12秒的竖屏视频，淡入淡出转场，加上背景音乐和标题“夏日特卖”', 'zh').reply).toBe(
      '已用3张照片制作了一个12秒的竖屏（9:16）视频：淡入淡出转场，背景音乐“tone.wav”，标题“夏日特卖”。',
    );
  });

  it('reads well in the bot summary', () => {
    const draft = run(
      "make a 12-second vertical video with fade transitions, music and the title 'Summer Sale'",
      'en',
    ).draft as EngineDraft;
    expect(summarizeTimeline(draft, 'en')).toBe(
      [
        'Timeline (3 tracks):',
        '1. Video: a.jpg, b.jpg, c.jpg (0-13.2s)',
        '2. BGM: tone.wav (0-12s, 80%)',
        '3. Title: "Summer Sale" (0-3s)',
      ].join('\n'),
    );
  });
});

describe('length', () => {
  it.each([
    ['en', 'make it 12 seconds', 12_000],
    ['en', 'a 20-second video please', 20_000],
    ['en', '30s', 30_000],
    ['en', 'make it 1.5 seconds', 1500],
    ['en', '1 minute', 60_000],
    ['en', 'one minute long', 60_000],
    ['en', 'make it twenty-five seconds', 25_000],
    ['en', '1 minute 30 seconds', 90_000],
    ['zh', '12秒', 12_000],
    ['zh', '视频时长三十秒', 30_000],
    ['zh', '改成二十五秒', 25_000],
    ['zh', '九十九秒', 99_000],
    ['zh', '十秒', 10_000],
    ['zh', '一分钟', 60_000],
    ['zh', '一分半', 90_000],
  ] as const)('%s: %s → %i ms exactly', (language, instruction, expected) => {
    const draft = edit(instruction, language);
    expect(draftDurationMs(draft)).toBe(expected);
    expectSegmentsLongerThanTransition(draft);
  });

  it.each([
    ['en', 'make it 0.3 seconds', 1000, 'The video is now 1 s long (the shortest I make).'],
    ['en', '20 minutes', 600_000, 'The video is now 10 min long (the longest I make).'],
    ['zh', '三十分钟', 600_000, '视频时长改为10分钟（最长只能这么长）。'],
  ] as const)('%s: %s is kept within 1 s–10 min and says so', (language, instruction, expected, reply) => {
    const result = run(instruction, language, made());
    expect(draftDurationMs(result.draft as EngineDraft)).toBe(expected);
    expect(result.reply).toBe(reply);
  });

  it('shortens transitions for very short photos and says so', () => {
    const result = run('each photo 0.5 seconds', 'en', made());
    const draft = result.draft as EngineDraft;
    expect(draft.m.transition.durationMs).toBe(400);
    expect(visual(draft).map((segment) => segment.d)).toEqual([500, 500, 500]);
    expect(result.reply).toBe(
      'Each photo now shows for 0.5 s; the video is 0.7 s long (transitions shortened to 0.4 s to fit).',
    );
  });

  it('puts the rounding remainder on the last segment', () => {
    const draft = edit('make it 10.001 seconds', 'en');
    // 10001 + 2 × 600 of overlap = 11201 over three equal photos.
    expect(visual(draft).map((segment) => segment.d)).toEqual([3733, 3733, 3735]);
    expect(draftDurationMs(draft)).toBe(10_001);
  });

  it('keeps clip and photo proportions when fitting a total', () => {
    const items = [clip(7, 'clip.mp4', 6000), photo(1, 'a.jpg')];
    const draft = run('make a 6 second video', 'en', null, items).draft as EngineDraft;
    expect(visual(draft).map((segment) => segment.d)).toEqual([4400, 2200]);
    expect(draftDurationMs(draft)).toBe(6000);
  });

  it('shortens transitions when the total is too short for them', () => {
    const draft = edit('2 second transitions, 1 second long', 'en');
    expect(draftDurationMs(draft)).toBe(1000);
    expect(draft.m.transition.durationMs).toBe(700);
    expectSegmentsLongerThanTransition(draft);
  });

  it('accounts for no overlap with hard cuts', () => {
    const draft = edit('no transitions, 12 seconds', 'en');
    expect(visual(draft).map((segment) => segment.d)).toEqual([4000, 4000, 4000]);
    expect(draftDurationMs(draft)).toBe(12_000);
  });

  it('stretches music and whole-video captions with the video', () => {
    const draft = edit('make it 20 seconds', 'en', made('add the caption "Shop now"'));
    expect(music(draft)).toBeUndefined();
    expect(texts(draft)[0]).toMatchObject({ d: 20_000, m: { start: 0 } });
    const withMusic = edit('40 seconds', 'en', made('add music'));
    expect(music(withMusic)?.d).toBe(40_000);
  });

  it.each([
    ['en', 'each photo 2 seconds', 2000],
    ['en', '4 seconds per photo', 4000],
    ['en', 'show every picture for 5 seconds', 5000],
    ['en', 'photos 2.5s each', 2500],
    ['zh', '每张照片2秒', 2000],
    ['zh', '每张4秒', 4000],
    ['zh', '每张图片显示五秒', 5000],
  ] as const)('%s: %s sets each photo to %i ms', (language, instruction, expected) => {
    const draft = edit(instruction, language);
    expect(visual(draft).map((segment) => segment.d)).toEqual([expected, expected, expected]);
    expect(draftDurationMs(draft)).toBe(3 * expected - 2 * 600);
  });

  it('leaves clips alone when setting the photo length', () => {
    const items = [clip(7, 'clip.mp4', 6000), photo(1, 'a.jpg')];
    const draft = run('make a video, each photo 2 seconds', 'en', null, items).draft as EngineDraft;
    expect(visual(draft).map((segment) => segment.d)).toEqual([6000, 2000]);
  });
});

describe('aspect ratio', () => {
  it.each([
    ['en', 'make it vertical', '9:16'],
    ['en', 'portrait please', '9:16'],
    ['en', 'for TikTok', '9:16'],
    ['en', 'I want it for Instagram Reels', '9:16'],
    ['en', 'YouTube Shorts', '9:16'],
    ['en', '9:16', '9:16'],
    ['en', 'square', '1:1'],
    ['en', '1:1 please', '1:1'],
    ['en', '4:5', '4:5'],
    ['en', 'for an Instagram post', '4:5'],
    ['en', 'Instagram feed', '4:5'],
    ['en', 'horizontal', '16:9'],
    ['en', 'landscape', '16:9'],
    ['en', 'for YouTube', '16:9'],
    ['en', '16:9', '16:9'],
    ['zh', '改成竖屏', '9:16'],
    ['zh', '发抖音用的', '9:16'],
    ['zh', '9：16', '9:16'],
    ['zh', '方形', '1:1'],
    ['zh', '正方形的', '1:1'],
    ['zh', '改成4:5', '4:5'],
    ['zh', '横屏', '16:9'],
    ['zh', '16:9', '16:9'],
  ] as const)('%s: %s → %s', (language, instruction, aspect) => {
    const start = aspect === '16:9' ? made('square') : made();
    const draft = edit(instruction, language, start);
    const sizes = { '16:9': [1920, 1080], '9:16': [1080, 1920], '1:1': [1080, 1080], '4:5': [1080, 1350] };
    expect([draft.m.aspect, draft.m.width, draft.m.height]).toEqual([aspect, ...sizes[aspect]]);
  });

  it('says the new shape', () => {
    expect(run('make it vertical', 'en', made()).reply).toBe('Changed the shape to vertical (9:16).');
    expect(run('改成竖屏', 'zh', made()).reply).toBe('画面比例改为竖屏（9:16）。');
  });
});

describe('transitions', () => {
  it.each([
    ['en', 'use dissolve transitions', 'dissolve'],
    ['en', 'crossfade', 'fade'],
    ['en', 'fade transitions', 'fade'],
    ['en', 'wipe transitions', 'wipeleft'],
    ['en', 'wipe right', 'wiperight'],
    ['en', 'wipe up transitions', 'wipeup'],
    ['en', 'slide transitions', 'slideleft'],
    ['en', 'slide down', 'slidedown'],
    ['en', 'circle transitions', 'circleopen'],
    ['en', 'zoom transitions', 'zoomin'],
    ['en', 'no transitions', 'none'],
    ['en', "I don't want any transitions", 'none'],
    ['en', 'fade to black', 'fadeblack'],
    ['en', 'hard cuts', 'none'],
    ['zh', '淡入淡出转场', 'fade'],
    ['zh', '渐变转场', 'fade'],
    ['zh', '转场用溶解', 'dissolve'],
    ['zh', '擦除转场', 'wipeleft'],
    ['zh', '向右擦除', 'wiperight'],
    ['zh', '滑动转场', 'slideleft'],
    ['zh', '向上滑动', 'slideup'],
    ['zh', '圆形转场', 'circleopen'],
    ['zh', '缩放转场', 'zoomin'],
    ['zh', '无转场', 'none'],
    ['zh', '黑场过渡', 'fadeblack'],
    ['zh', '不要转场', 'none'],
  ] as const)('%s: %s → %s', (language, instruction, style) => {
    const before = made(style === 'fade' ? 'dissolve' : 'fade');
    const draft = edit(instruction, language, before);
    expect(draft.m.transition).toEqual({ style, durationMs: style === 'none' ? 0 : 600 });
    // An edit keeps the video's length.
    expect(draftDurationMs(draft)).toBe(draftDurationMs(before));
    expectSegmentsLongerThanTransition(draft);
  });

  it.each([
    ['en', '1 second transitions', 1000],
    ['en', 'make the transitions 1.5 seconds', 1500],
    ['en', 'transitions of 800 ms', 800],
    ['en', '5 second transitions', 2000],
    ['en', '0.1 second transitions', 200],
    ['zh', '转场1秒', 1000],
    ['zh', '转场时间0.5秒', 500],
    ['zh', '两秒的转场', 2000],
    ['zh', '转场10秒', 2000],
  ] as const)('%s: %s → %i ms, clamped to 200–2000', (language, instruction, durationMs) => {
    const draft = edit(instruction, language);
    expect(draft.m.transition).toEqual({ style: 'fade', durationMs });
    expect(draftDurationMs(draft)).toBe(7800);
    expectSegmentsLongerThanTransition(draft);
  });

  it('gives hard cuts back a fade when a transition length is asked for', () => {
    expect(edit('1 second transitions', 'en', made('no transitions')).m.transition).toEqual({
      style: 'fade',
      durationMs: 1000,
    });
  });

  it('keeps 3 s a photo for a new video whatever the transition', () => {
    const draft = run('make a video with 1 second dissolve transitions', 'en').draft as EngineDraft;
    expect(draft.m.transition).toEqual({ style: 'dissolve', durationMs: 1000 });
    expect(visual(draft).map((segment) => segment.d)).toEqual([3000, 3000, 3000]);
  });

  it('says what changed', () => {
    expect(run('dissolve, 1 second transitions', 'en', made()).reply).toBe('Transitions: dissolve, 1 s.');
    expect(run('转场1秒，用溶解', 'zh', made()).reply).toBe('转场改为溶解，每次1秒。');
    expect(run('no transitions', 'en', made()).reply).toBe('Removed the transitions: hard cuts now.');
  });
});

describe('motion', () => {
  it.each([
    ['en', 'zoom in', 'zoom_in'],
    ['en', 'ken burns effect', 'zoom_in'],
    ['en', 'zoom out', 'zoom_out'],
    ['en', 'pan left', 'pan_left'],
    ['en', 'pan to the right', 'pan_right'],
    ['en', 'no motion', 'none'],
    ['en', 'keep the photos static', 'none'],
    ['zh', '放大', 'zoom_in'],
    ['zh', '推近效果', 'zoom_in'],
    ['zh', '缩小', 'zoom_out'],
    ['zh', '拉远', 'zoom_out'],
    ['zh', '向左平移', 'pan_left'],
    ['zh', '向右平移', 'pan_right'],
    ['zh', '静止', 'none'],
    ['zh', '不要动效', 'none'],
  ] as const)('%s: %s → %s on photos and the draft', (language, instruction, motion) => {
    const items = [photo(1, 'a.jpg'), clip(7, 'clip.mp4', 4000)];
    const start = run(motion === 'zoom_in' ? 'make a video, no motion' : 'make a video', 'en', null, items)
      .draft as EngineDraft;
    const result = run(instruction, language, start, items);
    expect(result.understood).toBe(true);
    const draft = result.draft as EngineDraft;
    expect(draft.m.motion).toBe(motion);
    expect(visual(draft).map((segment) => segment.m.motion)).toEqual([motion, 'none']);
  });
});

describe('music', () => {
  it.each([
    ['en', 'add music'],
    ['en', 'add some background music'],
    ['zh', '加上背景音乐'],
    ['zh', '加配乐'],
  ] as const)('%s: %s adds the last audio file', (language, instruction) => {
    const draft = edit(instruction, language);
    expect(draft.t[1].sg).toEqual([
      {
        d: 7800,
        m: { media: tone.id, name: 'tone.wav', volume: 0.8, fadeInMs: 0, fadeOutMs: 1000, start: 0 },
      },
    ]);
  });

  it.each([
    ['en', 'add music'],
    ['zh', '加背景音乐'],
  ] as const)('%s: %s without an audio file asks for one and changes nothing', (language, instruction) => {
    const draft = made();
    const result = run(instruction, language, draft, photos);
    expect(result.understood).toBe(false);
    expect(result.draft).toBe(draft);
    expect(result.actions).toEqual([]);
    expect(result.reply).toBe(
      language === 'en'
        ? 'To add music, send an audio file first (mp3, wav, m4a or aac).'
        : '要加背景音乐，请先发送一个音频文件（mp3、wav、m4a 或 aac）。',
    );
  });

  it('still makes the video when music is asked for without an audio file, and says so', () => {
    const result = run('make a video with music', 'en', null, photos);
    expect(result.understood).toBe(true);
    expect(result.draft?.t[1].sg).toEqual([]);
    expect(result.reply).toContain('send an audio file first');
  });

  it.each([
    ['en', 'music volume 30%', 0.3],
    ['en', 'set the volume to 45 percent', 0.45],
    ['en', 'make the music quieter', 0.6],
    ['en', 'turn the music down', 0.6],
    ['en', 'louder', 1],
    ['zh', '音量30%', 0.3],
    ['zh', '音量调到百分之五十', 0.5],
    ['zh', '小声一点', 0.6],
    ['zh', '音乐小一点', 0.6],
    ['zh', '大声一点', 1],
  ] as const)('%s: %s → volume %d', (language, instruction, volume) => {
    const draft = edit(instruction, language, made('add music'));
    expect(music(draft)?.m.volume).toBe(volume);
  });

  it('goes quieter in 20-point steps down to silence', () => {
    let draft = made('add music', 'volume 30%');
    draft = edit('quieter', 'en', draft);
    expect(music(draft)?.m.volume).toBe(0.1);
    draft = edit('quieter', 'en', draft);
    expect(music(draft)?.m.volume).toBe(0);
  });

  it('adds the music first when the volume is set on a video without music', () => {
    const result = run('volume 30%', 'en', made());
    expect(result.actions.map((action) => action.name)).toEqual(['add_music', 'set_music_volume']);
    expect(music(result.draft as EngineDraft)?.m.volume).toBe(0.3);
  });

  it.each([
    ['en', 'fade the music in and out', 1000, 1000],
    ['en', 'music fade in', 1000, 1000],
    ['en', 'fade in the music over 2 seconds', 2000, 1000],
    ['en', 'fade out the music over 3 seconds', 0, 3000],
    ['zh', '音乐淡入淡出', 1000, 1000],
    ['zh', '背景音乐淡入', 1000, 1000],
    ['zh', '音乐淡出3秒', 0, 3000],
  ] as const)('%s: %s → fades %i/%i ms', (language, instruction, fadeInMs, fadeOutMs) => {
    const draft = edit(instruction, language, made('add music'));
    expect(music(draft)?.m).toMatchObject({ fadeInMs, fadeOutMs });
    // Not a transition change.
    expect(draft.m.transition).toEqual({ style: 'fade', durationMs: 600 });
  });

  it('reads 淡入淡出 as a transition unless it is about the music', () => {
    const draft = edit('转场用淡入淡出，加上背景音乐', 'zh', made('dissolve'));
    expect(draft.m.transition.style).toBe('fade');
    expect(music(draft)?.m).toMatchObject({ fadeInMs: 0, fadeOutMs: 1000 });
  });

  it.each([
    ['en', 'remove the music'],
    ['en', 'no music'],
    ['en', 'get rid of the background music'],
    ['en', "I don't want music"],
    ['zh', '去掉音乐'],
    ['zh', '删除背景音乐'],
    ['zh', '不要背景音乐'],
    ['zh', '把音乐去掉'],
  ] as const)('%s: %s empties the music track', (language, instruction) => {
    const draft = edit(instruction, language, made('add music'));
    expect(draft.t[1].sg).toEqual([]);
  });

  it('says so when the music is already on, without changing the draft', () => {
    const draft = made('add music');
    const result = run('with music', 'en', draft);
    expect(result).toMatchObject({
      understood: true,
      actions: [],
      reply: 'The music "tone.wav" is already on.',
    });
    expect(result.draft).toBe(draft);
  });

  it('switches to a newer audio file when asked for music again', () => {
    const draft = made('add music', 'volume 30%');
    const newer = audio(6, 'newer.mp3');
    const result = run('use the music', 'en', draft, [...media, newer]);
    expect(music(result.draft as EngineDraft)?.m).toMatchObject({
      media: newer.id,
      name: 'newer.mp3',
      volume: 0.3,
    });
  });

  it('says so when there is no music to remove, without changing the draft', () => {
    const draft = made();
    const result = run('remove the music', 'en', draft);
    expect(result).toMatchObject({ understood: true, actions: [], reply: "There's no music to remove." });
    expect(result.draft).toBe(draft);
  });

  it('replies about music edits', () => {
    expect(run('add music', 'en', made()).reply).toBe('Added the music "tone.wav" at 80% volume.');
    expect(run('音量30%，音乐淡入淡出', 'zh', made('add music')).reply).toBe(
      '背景音乐音量调到30%。背景音乐淡入1秒、淡出1秒。',
    );
  });
});

describe('titles and captions', () => {
  it.each([
    ['en', "title 'Summer Sale'", 'Summer Sale'],
    ['en', 'add the title "Summer Sale"', 'Summer Sale'],
    ['en', 'title “Summer Sale”', 'Summer Sale'],
    ['en', "call it 'Mom's Day'", "Mom's Day"],
    ['zh', '标题“夏日特卖”', '夏日特卖'],
    ['zh', '加上标题「夏日特卖」', '夏日特卖'],
    ['zh', '标题‘夏日特卖’', '夏日特卖'],
    ['zh', '“夏日特卖”作为标题', '夏日特卖'],
  ] as const)('%s: %s adds a centred large title for the first 3 s', (language, instruction, text) => {
    const draft = edit(instruction, language);
    expect(texts(draft)).toEqual([{ d: 3000, m: { text, start: 0, position: 'center', size: 'large' } }]);
    expect(draft.m.title).toBe(text);
  });

  it('keeps the title to the video when the video is shorter than 3 s', () => {
    const draft = edit("title 'Hi'", 'en', made('2 seconds'));
    expect(texts(draft)[0]).toMatchObject({ d: 2000, m: { start: 0 } });
  });

  it('does not read the quoted text as instructions', () => {
    const draft = edit("title 'Vertical zoom out 30 seconds'", 'en');
    expect(draft.m).toMatchObject({ aspect: '16:9', motion: 'zoom_in' });
    expect(draftDurationMs(draft)).toBe(7800);
  });

  it.each([
    ['en', 'add the caption "Shop now" at the bottom', 'bottom'],
    ['en', 'caption "Shop now"', 'bottom'],
    ['en', 'caption "Shop now" at the top', 'top'],
    ['en', 'add the text "Shop now" in the middle', 'center'],
    ['zh', '加字幕“立即购买”', 'bottom'],
    ['zh', '在顶部加上字幕“立即购买”', 'top'],
    ['zh', '字幕“立即购买”放在底部', 'bottom'],
    ['zh', '文字“立即购买”居中', 'center'],
  ] as const)(
    '%s: %s adds a medium caption for the whole video at the %s',
    (language, instruction, position) => {
      const draft = edit(instruction, language);
      expect(texts(draft)).toEqual([
        { d: 7800, m: { text: expect.any(String), start: 0, position, size: 'medium' } },
      ]);
      expect(draft.m.title).toBeUndefined();
    },
  );

  it.each([
    ['en', "title 'Sale' at the top", { position: 'top', start: 0, d: 3000 }],
    ['en', "title 'Sale' in the center", { position: 'center', start: 0, d: 3000 }],
    ['en', "title 'Sale' at the bottom", { position: 'bottom', start: 0, d: 3000 }],
    ['en', "title 'Sale' for the first 5 seconds", { position: 'center', start: 0, d: 5000 }],
    ['en', "title 'Sale' from 2s to 5s", { position: 'center', start: 2000, d: 3000 }],
    ['en', "title 'Sale' from 2 to 6 seconds", { position: 'center', start: 2000, d: 4000 }],
    ['en', "title 'Sale' for the last 2 seconds", { position: 'center', start: 5800, d: 2000 }],
    ['en', "title 'Sale' for the whole video", { position: 'center', start: 0, d: 7800 }],
    ['en', "for the first 4 seconds show the title 'Sale'", { position: 'center', start: 0, d: 4000 }],
    ['zh', '标题“Sale”放在顶部', { position: 'top', start: 0, d: 3000 }],
    ['zh', '标题“Sale”居中', { position: 'center', start: 0, d: 3000 }],
    ['zh', '标题“Sale”在底部', { position: 'bottom', start: 0, d: 3000 }],
    ['zh', '标题“Sale”显示前5秒', { position: 'center', start: 0, d: 5000 }],
    ['zh', '前4秒显示标题“Sale”', { position: 'center', start: 0, d: 4000 }],
    ['zh', '标题“Sale”从2秒到5秒', { position: 'center', start: 2000, d: 3000 }],
    ['zh', '标题“Sale”最后2秒', { position: 'center', start: 5800, d: 2000 }],
    ['zh', '标题“Sale”全程显示', { position: 'center', start: 0, d: 7800 }],
  ] as const)('%s: %s places the title', (language, instruction, expected) => {
    const draft = edit(instruction, language);
    expect(texts(draft)).toEqual([
      {
        d: expected.d,
        m: { text: 'Sale', start: expected.start, position: expected.position, size: 'large' },
      },
    ]);
  });

  it('reads a title timing as the title’s, not the video’s length', () => {
    const draft = edit("make a 12 second video with the title 'Sale' for the first 5 seconds", 'en', made());
    expect(draftDurationMs(draft)).toBe(12_000);
    expect(texts(draft)[0]).toMatchObject({ d: 5000, m: { start: 0 } });
  });

  it('clamps a text that would run past the end', () => {
    const draft = edit("caption 'Late' from 6s to 20s", 'en');
    expect(texts(draft)[0]).toMatchObject({ d: 1800, m: { start: 6000 } });
  });

  it.each([
    ['en', "small title 'Sale'", 'small'],
    ['en', "title 'Sale', bigger", 'large'],
    ['en', "caption 'Sale' large", 'large'],
    ['zh', '标题“Sale”小一点', 'small'],
    ['zh', '字幕“Sale”大一点', 'large'],
  ] as const)('%s: %s sets the size', (language, instruction, size) => {
    expect(texts(edit(instruction, language))[0]?.m.size).toBe(size);
  });

  it.each([
    ['en', 'make the title bigger', { size: 'large' }],
    ['en', 'make the title smaller', { size: 'small' }],
    ['en', 'move the title to the top', { position: 'top' }],
    ['en', 'show the title for the first 5 seconds', { start: 0, d: 5000 }],
    ['zh', '标题大一点', { size: 'large' }],
    ['zh', '把标题缩小', { size: 'small' }],
    ['zh', '标题放到顶部', { position: 'top' }],
    ['zh', '标题显示前5秒', { start: 0, d: 5000 }],
  ] as const)('%s: %s adjusts the existing title', (language, instruction, change) => {
    const start = made("small title 'Sale'", 'add the caption "Buy"');
    const draft = edit(instruction, language, start);
    const [title, caption] = texts(draft);
    expect(title).toEqual({
      d: 'd' in change ? change.d : 3000,
      m: {
        text: 'Sale',
        start: 0,
        position: 'position' in change ? change.position : 'center',
        size: 'size' in change ? change.size : 'small',
      },
    });
    expect(caption).toEqual(texts(start)[1]);
    // Not read as a motion or a length.
    expect(draft.m.motion).toBe('zoom_in');
    expect(draftDurationMs(draft)).toBe(7800);
  });

  it.each([
    ['en', "title 'New In', at the top, for the first 5 seconds", 'New In'],
    ['zh', '标题改成“新品上市”，放在顶部，显示前5秒', '新品上市'],
  ] as const)('%s: %s reads the clauses after a title as its own', (language, instruction, text) => {
    const draft = edit(instruction, language);
    expect(texts(draft)).toEqual([{ d: 5000, m: { text, start: 0, position: 'top', size: 'large' } }]);
    expect(draftDurationMs(draft)).toBe(7800);
  });

  it('reads bare size and timing clauses after an English title', () => {
    const draft = edit("title 'A' at the top, small, from 1s to 4s", 'en');
    expect(texts(draft)).toEqual([
      { d: 3000, m: { text: 'A', start: 1000, position: 'top', size: 'small' } },
    ]);
    expect(draftDurationMs(draft)).toBe(7800);
  });

  it('leaves a clause about something else to its own reader', () => {
    const draft = edit('标题“X”，音乐小一点，12秒', 'zh', made('add music'));
    expect(texts(draft)[0]?.m).toMatchObject({ size: 'large', position: 'center' });
    expect(music(draft)?.m.volume).toBe(0.6);
    expect(draftDurationMs(draft)).toBe(12_000);
  });

  it('edits the title and the captions together', () => {
    const draft = edit(
      'make the title and the captions bigger',
      'en',
      made("small title 'A'", "small caption 'B'"),
    );
    expect(texts(draft).map((text) => text.m.size)).toEqual(['large', 'large']);
  });

  it('keeps a title to its few seconds when the video grows, unlike a whole-video caption', () => {
    const draft = edit('30 seconds', 'en', made('1 minute', "title 'A'", "caption 'B'"));
    expect(texts(draft).map((text) => [text.m.text, text.m.start, text.d])).toEqual([
      ['A', 0, 3000],
      ['B', 0, 30_000],
    ]);
  });

  it('replaces the title instead of adding a second one', () => {
    const draft = edit("change the title to 'Winter Sale'", 'en', made("title 'Summer Sale' at the top"));
    expect(texts(draft)).toEqual([
      { d: 3000, m: { text: 'Winter Sale', start: 0, position: 'top', size: 'large' } },
    ]);
    expect(draft.m.title).toBe('Winter Sale');
  });

  it('replaces a caption it would cover', () => {
    const draft = edit('caption "Two"', 'en', made('caption "One"'));
    expect(texts(draft).map((text) => text.m.text)).toEqual(['Two']);
  });

  it.each([
    ['en', 'remove the title', ['Buy']],
    ['en', 'no title', ['Buy']],
    ['en', 'remove the captions', ['Sale']],
    ['en', 'remove all text', []],
    ['zh', '去掉标题', ['Buy']],
    ['zh', '把标题删掉', ['Buy']],
    ['zh', '删除字幕', ['Sale']],
    ['zh', '去掉所有文字', []],
  ] as const)('%s: %s', (language, instruction, left) => {
    const draft = edit(instruction, language, made("title 'Sale'", 'caption "Buy"'));
    expect(texts(draft).map((text) => text.m.text)).toEqual(left);
    expect(draft.m.title).toBe(left.includes('Sale' as never) ? 'Sale' : undefined);
  });

  it('removes the title and the music in one go', () => {
    const draft = edit('remove the title and the music', 'en', made("title 'Sale'", 'add music'));
    expect(texts(draft)).toEqual([]);
    expect(draft.t[1].sg).toEqual([]);
  });

  it.each([
    ['en', 'make the title bigger', "There's no title yet: put it in quotes, e.g. title 'Summer Sale'."],
    ['zh', '标题大一点', '还没有标题：把文字放在引号里，例如 标题“夏日特卖”。'],
  ] as const)('%s: %s without a title explains how to add one', (language, instruction, reply) => {
    const draft = made();
    const result = run(instruction, language, draft);
    expect(result).toMatchObject({ understood: false, reply, actions: [] });
    expect(result.draft).toBe(draft);
  });

  it('replies with the text and where it shows', () => {
    expect(run("title 'Summer Sale' at the top", 'en', made()).reply).toBe(
      'Title set to "Summer Sale" (at the top, large, 0–3 s).',
    );
    expect(run('加上字幕“立即购买”', 'zh', made()).reply).toBe(
      '已添加字幕“立即购买”（底部，中等字号，0–7.8秒）。',
    );
  });
});

describe('pace', () => {
  it.each([
    ['en', 'faster', 2250],
    ['en', 'make it quicker', 2250],
    ['en', 'speed it up', 2250],
    ['en', 'slower', 3990],
    ['en', 'slow it down', 3990],
    ['zh', '快一点', 2250],
    ['zh', '节奏加快', 2250],
    ['zh', '慢一点', 3990],
    ['zh', '放慢节奏', 3990],
  ] as const)('%s: %s scales every segment to %i ms', (language, instruction, ms) => {
    const draft = edit(instruction, language);
    expect(visual(draft).map((segment) => segment.d)).toEqual([ms, ms, ms]);
    expect(draftDurationMs(draft)).toBe(3 * ms - 1200);
  });

  it('never makes a segment as short as the transition', () => {
    let draft = made('2 second transitions');
    for (let step = 0; step < 8; step += 1) draft = edit('faster', 'en', draft);
    expectSegmentsLongerThanTransition(draft);
  });

  it('gives way to an explicit length', () => {
    const result = run('faster, 20 seconds', 'en', made());
    expect(result.actions.map((action) => action.name)).toEqual(['set_duration']);
    expect(draftDurationMs(result.draft as EngineDraft)).toBe(20_000);
  });
});

describe('order', () => {
  const items = [...photos, photo(5, 'd.jpg'), tone];
  const four = () => run('make a video', 'en', null, items).draft as EngineDraft;
  it.each([
    ['en', 'reverse the order', ['d.jpg', 'c.jpg', 'b.jpg', 'a.jpg']],
    ['en', 'play the photos in reverse order', ['d.jpg', 'c.jpg', 'b.jpg', 'a.jpg']],
    ['en', 'put the last photo first', ['d.jpg', 'a.jpg', 'b.jpg', 'c.jpg']],
    ['en', 'swap photo 1 and 2', ['b.jpg', 'a.jpg', 'c.jpg', 'd.jpg']],
    ['en', 'swap the first and third photos', ['c.jpg', 'b.jpg', 'a.jpg', 'd.jpg']],
    ['en', 'move photo 3 to the start', ['c.jpg', 'a.jpg', 'b.jpg', 'd.jpg']],
    ['en', 'move the first photo to the end', ['b.jpg', 'c.jpg', 'd.jpg', 'a.jpg']],
    ['en', 'move photo 4 to position 2', ['a.jpg', 'd.jpg', 'b.jpg', 'c.jpg']],
    ['zh', '倒序', ['d.jpg', 'c.jpg', 'b.jpg', 'a.jpg']],
    ['zh', '顺序反过来', ['d.jpg', 'c.jpg', 'b.jpg', 'a.jpg']],
    ['zh', '把最后一张放到最前面', ['d.jpg', 'a.jpg', 'b.jpg', 'c.jpg']],
    ['zh', '交换第1张和第2张', ['b.jpg', 'a.jpg', 'c.jpg', 'd.jpg']],
    ['zh', '第一张和第三张交换', ['c.jpg', 'b.jpg', 'a.jpg', 'd.jpg']],
    ['zh', '把第3张移到最前面', ['c.jpg', 'a.jpg', 'b.jpg', 'd.jpg']],
    ['zh', '把第一张放到最后', ['b.jpg', 'c.jpg', 'd.jpg', 'a.jpg']],
  ] as const)('%s: %s', (language, instruction, expected) => {
    const result = run(instruction, language, four(), items);
    expect(result.understood).toBe(true);
    const draft = result.draft as EngineDraft;
    expect(order(draft)).toEqual(expected);
    expect(visual(draft).map((segment) => segment.m.media)).toEqual(
      expected.map((name) => items.find((item) => item.name === name)?.id),
    );
    expect(result.actions).toEqual([
      expect.objectContaining({
        name: 'reorder',
        args: expect.objectContaining({ order: visual(draft).map((segment) => segment.m.media) }),
      }),
    ]);
  });

  it.each([
    [
      'en',
      'swap photo 1 and 7',
      'The video has 3 photos and clips, so I couldn’t find that one.'.replace('’', "'"),
    ],
    ['zh', '交换第1张和第9张', '视频里只有3张照片或片段，找不到你说的那一张。'],
  ] as const)('%s: %s refers to a photo that is not there', (language, instruction, reply) => {
    const draft = made();
    const result = run(instruction, language, draft);
    expect(result).toMatchObject({ understood: false, reply });
    expect(result.draft).toBe(draft);
  });

  it('says what moved and the new order', () => {
    expect(run('put the last photo first', 'en', made()).reply).toBe(
      'Moved "c.jpg" to the start. Order now: c.jpg, a.jpg, b.jpg.',
    );
    expect(run('倒序', 'zh', made()).reply).toBe('已倒序排列。现在的顺序：c.jpg、b.jpg、a.jpg。');
  });
});

describe('instructions it does not understand', () => {
  it.each([
    ['en', 'add fireworks and a dragon', "Sorry, I didn't understand that, so nothing changed. I can:"],
    ['en', 'hello', "Sorry, I didn't understand that, so nothing changed. I can:"],
    ['zh', '加一些烟花', '抱歉，我没看懂这条指令，视频没有改动。我可以：'],
  ] as const)(
    '%s: %s leaves the draft identical and lists what it can do',
    (language, instruction, opening) => {
      const draft = made("title 'Sale'", 'add music');
      const snapshot = structuredClone(draft);
      const result = run(instruction, language, draft);
      expect(result.understood).toBe(false);
      expect(result.draft).toBe(draft);
      expect(draft).toEqual(snapshot);
      expect(result.actions).toEqual([]);
      const [first, ...bullets] = result.reply.split('\n');
      expect(first).toBe(opening);
      expect(bullets.length).toBeGreaterThanOrEqual(6);
      for (const bullet of bullets) expect(bullet).toMatch(/^• /);
    },
  );

  it.each([
    ['en', 'make a vertical video', 'Send photos or clips first, then tell me what to make. I can:'],
    ['en', 'add music', 'Send photos or clips first, then tell me what to make. I can:'],
    ['zh', '做一个视频', '请先发送照片或视频片段，再告诉我要做什么。我可以：'],
  ] as const)('%s: %s before any photo or clip asks for them', (language, instruction, opening) => {
    const result = run(instruction, language, null, [tone]);
    expect(result).toMatchObject({ understood: false, draft: null, actions: [] });
    expect(result.reply.split('\n')[0]).toBe(opening);
    expect(result.reply).toContain('• ');
  });
});

describe('determinism', () => {
  it('gives the same result for the same input, without touching the input', () => {
    const draft = made("title 'Sale'");
    const snapshot = structuredClone(draft);
    const input = {
      instruction:
        'make it 15 seconds, square, slide transitions, zoom out, music at 40%, caption "Go" at the top',
      draft,
      media,
      language: 'en' as const,
    };
    const first = direct(input);
    const second = direct(structuredClone(input));
    expect(second).toEqual(first);
    expect(draft).toEqual(snapshot);
    expect(first.draft).not.toBe(draft);
    expect(draftDurationMs(first.draft as EngineDraft)).toBe(15_000);
    expect(first.actions.map((action) => action.name)).toEqual([
      'set_aspect',
      'set_transition',
      'set_motion',
      'set_duration',
      'add_music',
      'set_music_volume',
      'add_caption',
    ]);
  });
});
