/**
 * Free text that the bot answers itself instead of sending it to the backend (protocol
 * "Routing"): asking for the video, the balance or the timeline must never cost a generation.
 *
 * Only short messages are routed: "export" routes, while "make the intro shorter and then
 * export" is an edit and goes to the backend.
 */
export type Intent = 'export' | 'credits' | 'status' | 'upload' | 'chat';

const keywords: Array<[Exclude<Intent, 'chat'>, RegExp]> = [
  ['export', /\b(export|download|send me the (video|file|mp4))\b|导出|下载/i],
  ['credits', /\b(credits?|balance)\b|积分|余额/i],
  ['status', /\b(status|show (the )?tracks|timeline)\b|状态|时间线/i],
  ['upload', /\bupload\b|上传/i],
];

/** Word count for Latin text; CJK text has no spaces, so every four characters count as a word. */
function wordCount(text: string): number {
  const cjk = text.match(/[\u3400-\u9fff]/g)?.length ?? 0;
  const latin = text
    .replace(/[\u3400-\u9fff]/g, ' ')
    .split(/\s+/)
    .filter(Boolean).length;
  return latin + Math.ceil(cjk / 4);
}

export function routeText(text: string): Intent {
  const trimmed = text.trim();
  if (wordCount(trimmed) > 6) return 'chat';
  for (const [intent, pattern] of keywords) if (pattern.test(trimmed)) return intent;
  return 'chat';
}
