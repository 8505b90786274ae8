import { describe, expect, it } from 'vitest';
import { translateGuiInstructions } from '../../src/core/gui.ts';

const EXPORT_EN = "Send /export and I'll render the video for you.";
const STATUS_EN = 'Send /status to see the timeline.';
const EDIT_EN = "Tell me what to change and I'll do it.";
const CREDITS_EN = 'Send /credits to see your balance.';
const EXPORT_ZH = '发送 /export，我来为你渲染视频。';
const STATUS_ZH = '发送 /status 查看时间线。';
const EDIT_ZH = '告诉我要改什么，我来帮你改。';
const CREDITS_ZH = '发送 /credits 查看余额。';

describe('translateGuiInstructions', () => {
  it('replaces each kind of English GUI instruction with its chat hint', () => {
    const cases: Array<[string, string]> = [
      ['Click the **Export** button in the top right to download it.', EXPORT_EN],
      ['Press Export when you are happy.', EXPORT_EN],
      ['Once you are happy, export the video from the editor.', EXPORT_EN],
      ['Open the timeline panel to review the cuts.', STATUS_EN],
      ['You can preview it in the timeline.', STATUS_EN],
      ['Drag the clip to reorder it.', EDIT_EN],
      ['Use drag-and-drop to swap the photos.', EDIT_EN],
      ['Drop your photos into the media library.', EDIT_EN],
      ['Tap the Apply button to keep the filter.', EDIT_EN],
      ['Check your account page for your remaining credits.', CREDITS_EN],
      ['Visit the billing page to top up.', CREDITS_EN],
    ];
    for (const [instruction, hint] of cases) expect(translateGuiInstructions(instruction, 'en')).toBe(hint);
  });

  it('replaces each kind of Chinese GUI instruction with its chat hint', () => {
    const cases: Array<[string, string]> = [
      ['点击右上角的导出按钮即可下载。', EXPORT_ZH],
      ['打开编辑器查看时间线。', STATUS_ZH],
      ['你可以在时间轴中预览效果。', STATUS_ZH],
      ['把片段拖拽到想要的位置。', EDIT_ZH],
      ['拖动滑块调整音量！', EDIT_ZH],
      ['点击“应用”保存滤镜。', EDIT_ZH],
      ['请前往账户页面查看剩余积分。', CREDITS_ZH],
    ];
    for (const [instruction, hint] of cases) expect(translateGuiInstructions(instruction, 'zh')).toBe(hint);
  });

  it('keeps the content around an instruction exactly as it was', () => {
    expect(
      translateGuiInstructions(
        'Your video is ready! Click the Export button to download it. The video opens with a sunrise.',
        'en',
      ),
    ).toBe(`Your video is ready! ${EXPORT_EN} The video opens with a sunrise.`);
    expect(translateGuiInstructions('视频已生成！点击导出按钮下载。画面以日出开场。', 'zh')).toBe(
      `视频已生成！${EXPORT_ZH}画面以日出开场。`,
    );
  });

  it('answers in the reply language whatever language the backend used', () => {
    expect(translateGuiInstructions('Done! Click Export.', 'zh')).toBe(`Done! ${EXPORT_ZH}`);
    expect(translateGuiInstructions('完成！点击导出。画面很美。', 'en')).toBe(
      `完成！${EXPORT_EN} 画面很美。`,
    );
  });

  it('keeps Markdown, list markers and line breaks', () => {
    const text = [
      '## Your video',
      '',
      'I added **Lo-fi** music at 35% volume.',
      '',
      '1. Open the timeline panel to preview.',
      '2. Drag the clip to reorder.',
      '- Click Export to download.',
      '> Tip: the title appears at 2.5s.',
    ].join('\n');
    expect(translateGuiInstructions(text, 'en')).toBe(
      [
        '## Your video',
        '',
        'I added **Lo-fi** music at 35% volume.',
        '',
        `1. ${STATUS_EN}`,
        `2. ${EDIT_EN}`,
        `- ${EXPORT_EN}`,
        '> Tip: the title appears at 2.5s.',
      ].join('\n'),
    );
  });

  it('gives each hint once, dropping repeats without leaving gaps', () => {
    expect(translateGuiInstructions('Click Export. Then click Export again to save. Enjoy!', 'en')).toBe(
      `${EXPORT_EN} Enjoy!`,
    );
    expect(
      translateGuiInstructions('Done.\n\nClick Export.\n\nOr press the Export button.\n\nBye.', 'en'),
    ).toBe(`Done.\n\n${EXPORT_EN}\n\nBye.`);
    expect(translateGuiInstructions('- Click Export.\n- Hit the export button.\n- Enjoy', 'en')).toBe(
      `- ${EXPORT_EN}\n- Enjoy`,
    );
    expect(translateGuiInstructions('点击导出按钮。然后点击导出。', 'zh')).toBe(EXPORT_ZH);
  });

  it('leaves text without GUI instructions untouched', () => {
    const untouched = [
      'The video opens with a sunrise. The title fades in at 2.5s, over photo.jpg.',
      'Your clip: https://cdn.nemovideo.ai/render/abc.mp4?x=1. Enjoy!',
      'The beat drops at 0:15 and the music fades out.',
      'I selected an upbeat track, a real hit, to match the press photos.',
      'The export will be 1080p.\n\n  Indented line.  \nTrailing spaces stay.',
      '画面以日出开场，标题在 2.5 秒淡入。门缓缓打开。',
      '',
      '\n\n',
    ];
    for (const text of untouched) expect(translateGuiInstructions(text, 'en')).toBe(text);
  });

  it('never rewrites a sentence that carries a link', () => {
    const text = 'Open https://nemovideo.com/workspace/claim?ct=clm_1 to claim your account.';
    expect(translateGuiInstructions(text, 'en')).toBe(text);
  });
});
