import { describe, expect, it } from 'vitest';
import { describeChanges, isExportable, readTimeline, summarizeTimeline } from '../../src/core/draft.ts';

/** The protocol's example timeline. */
function urbanDreams() {
  return {
    t: [
      { tt: 0, sg: [{ d: 10000, m: { name: 'city timelapse' } }] },
      { tt: 1, sg: [{ d: 10000, m: { name: 'Lo-fi', volume: 0.35 } }] },
      { tt: 7, sg: [{ d: 3000, m: { text: 'Urban Dreams', start: 0 } }] },
    ],
    m: { title: 'Urban Dreams', width: 1920, height: 1080 },
  };
}

const garbage: unknown[] = [
  null,
  undefined,
  42,
  'draft',
  [],
  { t: 'x' },
  { t: null },
  { t: [null, 1, 'track', []] },
];

describe('readTimeline', () => {
  it('reads the documented shape', () => {
    expect(readTimeline(urbanDreams())).toEqual([
      { kind: 'video', segments: [{ startMs: 0, durationMs: 10000, label: 'city timelapse' }] },
      { kind: 'audio', segments: [{ startMs: 0, durationMs: 10000, label: 'Lo-fi', volume: 35 }] },
      { kind: 'text', segments: [{ startMs: 0, durationMs: 3000, label: 'Urban Dreams' }] },
    ]);
  });

  it('turns garbage into no tracks without throwing', () => {
    for (const draft of garbage) expect(readTimeline(draft)).toEqual([]);
  });

  it('tolerates quoted numbers, bad durations, unknown track types and stray segments', () => {
    const draft = {
      t: [
        { tt: '0', sg: [{ d: '5000' }, { d: 'long' }, null, 7, { d: -3, m: 'meta' }] },
        { tt: 42, sg: [{ d: 1000 }] },
        { sg: 'none' },
      ],
    };
    expect(readTimeline(draft)).toEqual([
      {
        kind: 'video',
        segments: [
          { startMs: 0, durationMs: 5000 },
          { startMs: 5000, durationMs: 0 },
          { startMs: 5000, durationMs: 0 },
        ],
      },
      { kind: 'other', segments: [{ startMs: 0, durationMs: 1000 }] },
      { kind: 'other', segments: [] },
    ]);
  });

  it('places segments by their own start, in seconds or milliseconds, or after the one before', () => {
    const starts = (sg: unknown[]) => readTimeline({ t: [{ tt: 0, sg }] })[0]?.segments.map((s) => s.startMs);
    expect(starts([{ d: 2000 }, { d: 3000 }, { d: 1000 }])).toEqual([0, 2000, 5000]);
    expect(
      starts([
        { d: 1000, s: 4000 },
        { d: 1000, st: 2.5 },
        { d: 1000, start: '3' },
      ]),
    ).toEqual([4000, 2500, 3000]);
    expect(starts([{ d: 1000, m: { start: 1500 } }, { d: 1000 }, { d: 1000, m: { start: -2 } }])).toEqual([
      1500, 2500, 0,
    ]);
    // The segment's own start outranks the one in its metadata.
    expect(starts([{ d: 1000, s: 8000, m: { start: 2 } }])).toEqual([8000]);
  });

  it('reads volume as a fraction or a percentage, clamped to 0–100', () => {
    const volume = (value: unknown) =>
      readTimeline({ t: [{ tt: 1, sg: [{ d: 1, m: { volume: value } }] }] })[0]?.segments[0]?.volume;
    expect(volume(0.35)).toBe(35);
    expect(volume(1)).toBe(100);
    expect(volume(60)).toBe(60);
    expect(volume('80')).toBe(80);
    expect(volume(250)).toBe(100);
    expect(volume(-1)).toBe(0);
    expect(volume('loud')).toBeUndefined();
  });

  it('prefers on-screen text for text tracks and names elsewhere, on one line, shortened', () => {
    const label = (tt: number, m: unknown) =>
      readTimeline({ t: [{ tt, sg: [{ d: 1, m }] }] })[0]?.segments[0]?.label;
    expect(label(7, { name: 'Text 1', text: 'Hello' })).toBe('Hello');
    expect(label(0, { name: 'beach.jpg', text: 'Hello' })).toBe('beach.jpg');
    expect(label(0, { name: '  ', title: 'Sunset\n  clip' })).toBe('Sunset clip');
    expect(label(7, { text: 2024 })).toBe('2024');
    expect(label(7, { text: 'x'.repeat(100) })).toBe(`${'x'.repeat(59)}…`);
    expect(label(7, { text: { nested: true } })).toBeUndefined();
  });
});

describe('isExportable', () => {
  it('is true once some track holds a segment', () => {
    expect(isExportable(urbanDreams())).toBe(true);
    expect(
      isExportable({
        t: [
          { tt: 0, sg: [] },
          { tt: 99, sg: [{ d: 1 }] },
        ],
      }),
    ).toBe(true);
    expect(
      isExportable({
        t: [
          { tt: 0, sg: [] },
          { tt: 1, sg: [null] },
        ],
      }),
    ).toBe(false);
    for (const draft of garbage) expect(isExportable(draft)).toBe(false);
  });
});

describe('summarizeTimeline', () => {
  it('renders the protocol example in English and Chinese', () => {
    expect(summarizeTimeline(urbanDreams(), 'en')).toBe(
      [
        'Timeline (3 tracks):',
        '1. Video: city timelapse (0-10s)',
        '2. BGM: Lo-fi (0-10s, 35%)',
        '3. Title: "Urban Dreams" (0-3s)',
      ].join('\n'),
    );
    expect(summarizeTimeline(urbanDreams(), 'zh')).toBe(
      [
        '时间线（3 条轨道）：',
        '1. 视频：city timelapse（0-10秒）',
        '2. 背景音乐：Lo-fi（0-10秒，35%）',
        '3. 标题：“Urban Dreams”（0-3秒）',
      ].join('\n'),
    );
  });

  it('lists a few named segments, counts many, and skips empty tracks', () => {
    const draft = {
      t: [
        { tt: 0, sg: [{ d: 10000 }, { d: 10000 }, { d: 10000 }] },
        { tt: 1, sg: [] },
        {
          tt: 7,
          sg: [
            { d: 2500, m: { text: 'Day 1' } },
            { d: 2500, m: { text: 'Day 2' } },
          ],
        },
        { tt: 3, sg: [{ d: 1000, m: { name: 'sticker' } }] },
      ],
    };
    expect(summarizeTimeline(draft, 'en')).toBe(
      [
        'Timeline (3 tracks):',
        '1. Video: 3 clips (0-30s)',
        '2. Title: "Day 1", "Day 2" (0-5s)',
        '3. Other: sticker (0-1s)',
      ].join('\n'),
    );
    expect(summarizeTimeline(draft, 'zh')).toBe(
      [
        '时间线（3 条轨道）：',
        '1. 视频：3 个片段（0-30秒）',
        '2. 标题：“Day 1”、“Day 2”（0-5秒）',
        '3. 其他：sticker（0-1秒）',
      ].join('\n'),
    );
  });

  it('formats seconds without needless decimals, and a single track in the singular', () => {
    const draft = { t: [{ tt: 1, sg: [{ d: 2500, s: 500, m: { name: 'Jazz', volume: 70 } }] }] };
    expect(summarizeTimeline(draft, 'en')).toBe('Timeline (1 track):\n1. BGM: Jazz (0.5-3s, 70%)');
  });

  it('says nothing has been made yet for an empty or unreadable draft', () => {
    for (const draft of [...garbage, { t: [{ tt: 0, sg: [] }] }]) {
      expect(summarizeTimeline(draft, 'en')).toBe(
        'Nothing has been made yet: send a few photos or describe the video you want.',
      );
      expect(summarizeTimeline(draft, 'zh')).toBe(
        '还没有制作任何内容：发几张照片，或者描述一下你想要的视频。',
      );
    }
  });
});

describe('describeChanges', () => {
  const video = (...durations: number[]) => ({
    tt: 0,
    sg: durations.map((d) => ({ d, m: { name: 'clip' } })),
  });
  const music = (name: string, volume: number) => ({ tt: 1, sg: [{ d: 10000, m: { name, volume } }] });
  const title = (text: string) => ({ tt: 7, sg: [{ d: 3000, m: { text, start: 0 } }] });

  it('names a title added after a silent edit, as in the protocol', () => {
    const before = { t: [video(5000)] };
    const after = { t: [video(5000), title('Paradise Found')] };
    expect(describeChanges(before, after, 'en')).toEqual(['✅ Title added: "Paradise Found" (0-3s)']);
    expect(describeChanges(before, after, 'zh')).toEqual(['✅ 已添加标题：“Paradise Found”（0-3秒）']);
  });

  it('names changed and removed titles', () => {
    const withA = { t: [video(5000), title('A')] };
    const withB = { t: [video(5000), title('B')] };
    expect(describeChanges(withA, withB, 'en')).toEqual(['✅ Title changed: "A" → "B"']);
    expect(describeChanges(withA, withB, 'zh')).toEqual(['✅ 标题已修改：“A” → “B”']);
    expect(describeChanges(withA, { t: [video(5000)] }, 'en')).toEqual(['✅ Title removed']);
    expect(describeChanges(withA, { t: [video(5000)] }, 'zh')).toEqual(['✅ 已删除标题']);
  });

  it('names music added, its volume changed, and music removed', () => {
    const plain = { t: [video(10000)] };
    const quiet = { t: [video(10000), music('Lo-fi', 0.35)] };
    const louder = { t: [video(10000), music('Lo-fi', 0.6)] };
    expect(describeChanges(plain, quiet, 'en')).toEqual(['✅ Music added: Lo-fi (0-10s, 35%)']);
    expect(describeChanges(plain, quiet, 'zh')).toEqual(['✅ 已添加背景音乐：Lo-fi（0-10秒，35%）']);
    expect(describeChanges(quiet, louder, 'en')).toEqual(['✅ Music volume: 35% → 60%']);
    expect(describeChanges(quiet, louder, 'zh')).toEqual(['✅ 背景音乐音量：35% → 60%']);
    expect(describeChanges(quiet, plain, 'en')).toEqual(['✅ Music removed']);
    expect(describeChanges(quiet, plain, 'zh')).toEqual(['✅ 已删除背景音乐']);
    expect(describeChanges(quiet, { t: [video(10000), music('Jazz', 35)] }, 'en')).toEqual([
      '✅ Music changed: Lo-fi → Jazz',
    ]);
  });

  it('names a video created and updated', () => {
    expect(describeChanges(null, { t: [video(5000)] }, 'en')).toEqual(['✅ Video created: 5s']);
    expect(describeChanges(null, { t: [video(5000)] }, 'zh')).toEqual(['✅ 已生成视频：5秒']);
    const longer = { t: [video(10000, 10000, 10000)] };
    expect(describeChanges({ t: [video(5000)] }, longer, 'en')).toEqual(['✅ Video updated: 3 clips, 0-30s']);
    expect(describeChanges({ t: [video(5000)] }, longer, 'zh')).toEqual(['✅ 视频已更新：3 个片段，0-30秒']);
  });

  it('reports a whole first draft, lane by lane', () => {
    expect(describeChanges(undefined, urbanDreams(), 'en')).toEqual([
      '✅ Video created: 10s',
      '✅ Music added: Lo-fi (0-10s, 35%)',
      '✅ Title added: "Urban Dreams" (0-3s)',
    ]);
  });

  it('says the timeline was updated when it cannot name the difference', () => {
    const renamed = { ...urbanDreams(), m: { title: 'Other', width: 1920, height: 1080 } };
    expect(describeChanges(urbanDreams(), renamed, 'en')).toEqual(['✅ Timeline updated']);
    expect(describeChanges(urbanDreams(), renamed, 'zh')).toEqual(['✅ 时间线已更新']);
    const withSticker = { t: [...urbanDreams().t, { tt: 3, sg: [{ d: 1000 }] }] };
    expect(describeChanges(urbanDreams(), withSticker, 'en')).toEqual(['✅ Timeline updated']);
  });

  it('returns nothing when nothing changed, whatever the key order', () => {
    expect(describeChanges(urbanDreams(), urbanDreams(), 'en')).toEqual([]);
    const reordered = {
      m: { height: 1080, width: 1920, title: 'Urban Dreams' },
      t: urbanDreams().t.map(({ sg, tt }) => ({ sg, tt })),
    };
    expect(describeChanges(urbanDreams(), reordered, 'en')).toEqual([]);
    expect(describeChanges(null, { t: [] }, 'en')).toEqual([]);
  });

  it('never throws on garbage on either side', () => {
    for (const before of garbage) {
      for (const after of garbage) expect(describeChanges(before, after, 'zh')).toEqual([]);
      expect(describeChanges(before, { t: [title('Hi')] }, 'en')).toEqual(['✅ Title added: "Hi" (0-3s)']);
    }
  });
});
