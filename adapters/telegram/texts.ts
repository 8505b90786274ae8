/**
 * What only the Telegram adapter says, in English and Simplified Chinese: Bot API limits and
 * button labels. Everything else comes from the core's catalog.
 */
import type { Action, Language } from '../../src/core/seam.ts';

type Params = Record<string, string>;

const en = {
  downloadLimit: (p: Params) =>
    `That file is ${p.size}, but Telegram lets bots download only ${p.limit}. Send a link to the file instead (or ask the bot admin to run a self-hosted Bot API server for bigger files). Nothing was uploaded.`,
  voiceUnsupported:
    'Voice notes are OGG/Opus audio, which NemoVideo does not take. Send the audio as an MP3, M4A or WAV file instead.',
  videoLink: (p: Params) => `⬇️ Download the video: ${p.url}`,
  videoTooLarge:
    'The video is too large to send here — open the project link above to watch and download it.',
  buttons: { export: '🎬 Export', status: '📋 Status', new: '🆕 New project' } satisfies Record<
    Action,
    string
  >,
};

const zh: typeof en = {
  downloadLimit: (p) =>
    `该文件大小为 ${p.size}，但 Telegram 只允许机器人下载 ${p.limit} 以内的文件。请改为发送文件链接（或请管理员部署自建的 Bot API 服务器以支持更大的文件）。没有上传任何内容。`,
  voiceUnsupported: '语音消息是 OGG/Opus 格式，NemoVideo 不支持。请以 MP3、M4A 或 WAV 文件的形式发送音频。',
  videoLink: (p) => `⬇️ 下载视频：${p.url}`,
  videoTooLarge: '视频太大，无法在这里发送 — 请打开上面的项目链接观看和下载。',
  buttons: { export: '🎬 导出', status: '📋 状态', new: '🆕 新项目' },
};

export function telegramTexts(language: Language): typeof en {
  return language === 'zh' ? zh : en;
}

/**
 * The language of a reply whose reader is unknown (a render resumed after a restart): the core
 * writes to a Chinese reader in Chinese, so Han characters in the text tell.
 */
export function languageOfText(text: string): Language {
  return /[\u3400-\u9fff]/.test(text) ? 'zh' : 'en';
}
