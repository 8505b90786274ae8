/**
 * Everything the bot says, in English and Simplified Chinese.
 *
 * One table, so a translator reads every sentence in one place and a missing translation is a
 * type error rather than a silent fallback.
 */
import type { NemoErrorKey } from '../nemo/index.ts';
import type { Language } from './seam.ts';

type Params = Record<string, string | number>;
type Text = string | ((params: Params) => string);

const en = {
  working: '⏳ Working on it…',
  stillWorking: (p: Params) => `⏳ Still working... ${p.elapsed}${p.activity ? ` — ${p.activity}` : ''}`,
  queued: (p: Params) => `🕒 Waiting for a free slot — you are number ${p.position} in the queue.`,
  uploading: (p: Params) => `📤 Uploading ${p.count} file(s)…`,
  uploaded: (p: Params) => `📎 Added ${p.count} file(s) to your project: ${p.names}`,
  done: (p: Params) => `✅ Done in ${p.elapsed}.`,
  noChanges: 'The request finished, but the project did not change. Try describing the edit differently.',
  busy: '⏳ Still working on your last request — send /cancel to stop it.',
  cancelled: '🛑 Stopped. Your project is as it was before that request.',
  nothingToCancel: 'Nothing is running in this chat.',
  newProject: '🆕 Started a new project. Send photos, clips or music and tell me what to make.',
  sessionLost:
    '⚠️ Your NemoVideo project expired, so I started a new one. Files sent before this message are gone — please send them again if you still need them.',
  notAllowed: '🚫 This bot is not available to you here.',
  adminOnly: '🚫 Only the bot admins can use that command.',
  dailyLimit: (p: Params) =>
    `🚫 You reached today's limit of ${p.limit} requests. It resets at midnight UTC.`,
  unknownCommand: (p: Params) => `Unknown command /${p.name}. Send /help to see what I can do.`,
  badArguments: (p: Params) => `That command needs ${p.what}. Send /help for examples.`,
  extraArguments: (p: Params) =>
    `/${p.name} takes nothing after it, so I did not run it. Send /${p.name} on its own, or /help for examples.`,
  tooManyFiles: (p: Params) =>
    `You sent ${p.count} files at once; I take at most ${p.limit} per message. Nothing was uploaded: send them in smaller batches.`,
  promptTooLong: (p: Params) =>
    `That message is ${p.length} characters long; I pass on at most ${p.limit}. Nothing was sent: shorten it, or split it into several edits.`,
  emptyTurn: 'Tell me what to make, or send photos, clips or music with a caption.',
  exportNotReady: 'There is nothing to export yet. Describe the video you want first.',
  rendering: (p: Params) => `🎬 Rendering your video… ${p.progress}%`,
  renderRetry: '🎬 The render failed; trying once more…',
  renderFailed: (p: Params) =>
    `❌ The render failed${p.reason ? `: ${p.reason}` : ''}. Send /export to try again.`,
  renderTimeout: 'The render is taking longer than expected. Send /export later to try again.',
  videoReady: '🎉 Your video is ready!',
  restarting:
    '⏸ The bot is restarting. A render in progress continues and will be delivered here; send anything else again in a minute.',
  openInEditor: (p: Params) => `Open the project in NemoVideo: ${p.url}`,
  credits: (p: Params) =>
    `💳 Credits: ${p.available} available, ${p.frozen} reserved by running work (${p.total} total).`,
  creditsAnonymous: 'You are on a free starter account; register to keep your projects and get more credits.',
  link: (p: Params) => `🔗 Open this project in NemoVideo: ${p.url}`,
  noProject: 'There is no project in this chat yet. Send photos or describe the video you want.',
  recovering:
    '📡 The connection dropped. I will not send your request again; checking the project for the result…',
  recoveryFailed:
    'I could not confirm the result of that request. Send /status to look, or send the request again.',
  interrupted: (p: Params) =>
    `🔁 The bot restarted while working on “${p.prompt}”. I will not send it again; checking the project for the result…`,
  replyShortened: '✂️ The rest of this reply was too long for the chat. Send /status to see the project.',
  silentNothing: 'The request finished without a reply, and I could not find a change in the project.',
  help: [
    'I turn photos, clips and a sentence into a finished video.',
    '',
    '• Send photos/clips/music with a caption, e.g. "turn these into a 30-second promo with music"',
    '• /video <prompt> — start a project   • /edit <instruction> — change it',
    '• /export — render the MP4   • /status — show the timeline   • /credits — balance',
    '• /link — open the project in NemoVideo   • /new — start over   • /cancel — stop the running request',
  ].join('\n'),
  activity: {
    upload: 'uploading files',
    music: 'adding music',
    title: 'adding text',
    generate: 'generating video',
    edit: 'editing',
    render: 'rendering',
    analyze: 'analysing media',
    working: 'working',
  },
  errors: {
    auth: 'The bot cannot sign in to NemoVideo right now. The admin has been told; please try again later.',
    session_not_found: 'Your project expired. Send /new to start again.',
    no_credits: 'You are out of NemoVideo credits. Top up your credits, then try again.',
    no_credits_anonymous: (p: Params) =>
      `The free credits are used up. Register (free) to get more and keep this project: ${p.url}`,
    unsupported_file: (p: Params) => `I can't use that file. Supported formats: ${p.formats}.`,
    empty_file:
      'That file is empty (0 bytes), so there is nothing to upload. Send it again: it may not have finished saving.',
    file_too_large: (p: Params) =>
      `That file is too large (limit ${p.limit}). Compress or trim it, or send a shorter clip.`,
    client_id: 'NemoVideo refused the request. Please try again in a minute.',
    bad_request: 'NemoVideo refused that request. Try rephrasing it.',
    export_blocked:
      'Export is not available on this NemoVideo plan. Register or upgrade the plan to unlock export — this is not about credits.',
    rate_limited: 'NemoVideo is busy. Please wait a minute and try again.',
    not_found: 'NemoVideo could not find that. Send /status to check the project.',
    server: 'NemoVideo is having trouble right now. Please try again in a few minutes.',
    network: 'I could not reach NemoVideo. Please try again in a few minutes.',
    timeout: 'NemoVideo took too long to answer. Send /status to check the project.',
    disconnected: 'The connection to NemoVideo dropped. Send /status to check the project.',
    stream_error: 'NemoVideo hit a problem with that request. Try again, perhaps with simpler wording.',
    render_failed: 'The render failed. Send /export to try again.',
    cancelled: 'Stopped.',
    bad_answer: 'NemoVideo sent an answer I could not read. Please try again.',
    unexpected: 'Something went wrong on my side. Please try again; the admin can find details in the log.',
  } satisfies Record<NemoErrorKey | 'no_credits_anonymous' | 'unexpected', Text>,
};

type Catalog = typeof en;

const zh: Catalog = {
  working: '⏳ 正在处理…',
  stillWorking: (p) => `⏳ 仍在处理… ${p.elapsed}${p.activity ? ` — ${p.activity}` : ''}`,
  queued: (p) => `🕒 正在排队，你排在第 ${p.position} 位。`,
  uploading: (p) => `📤 正在上传 ${p.count} 个文件…`,
  uploaded: (p) => `📎 已将 ${p.count} 个文件加入项目：${p.names}`,
  done: (p) => `✅ 已完成，用时 ${p.elapsed}。`,
  noChanges: '请求已完成，但项目没有变化。请换一种说法描述修改。',
  busy: '⏳ 上一个请求仍在处理中 — 发送 /cancel 可以停止。',
  cancelled: '🛑 已停止。项目保持在该请求之前的状态。',
  nothingToCancel: '这个聊天中没有正在运行的任务。',
  newProject: '🆕 已新建项目。请发送照片、视频或音乐，并告诉我想做什么。',
  sessionLost: '⚠️ 你的 NemoVideo 项目已过期，我已新建一个项目。此前发送的文件已丢失，如仍需要请重新发送。',
  notAllowed: '🚫 你在这里无法使用此机器人。',
  adminOnly: '🚫 只有机器人管理员可以使用该命令。',
  dailyLimit: (p) => `🚫 你已达到今天 ${p.limit} 次请求的上限，将在 UTC 零点重置。`,
  unknownCommand: (p) => `未知命令 /${p.name}。发送 /help 查看可用功能。`,
  badArguments: (p) => `该命令需要${p.what}。发送 /help 查看示例。`,
  extraArguments: (p) =>
    `/${p.name} 后面不需要任何内容，所以我没有执行。请单独发送 /${p.name}，或发送 /help 查看示例。`,
  tooManyFiles: (p) =>
    `你一次发送了 ${p.count} 个文件，每条消息最多 ${p.limit} 个。没有上传任何文件：请分几次发送。`,
  promptTooLong: (p) =>
    `这条消息有 ${p.length} 个字符，我最多转发 ${p.limit} 个。没有发送任何内容：请缩短，或分成几次修改。`,
  emptyTurn: '请告诉我想做什么，或发送带说明的照片、视频或音乐。',
  exportNotReady: '还没有可以导出的内容。请先描述你想要的视频。',
  rendering: (p) => `🎬 正在渲染视频… ${p.progress}%`,
  renderRetry: '🎬 渲染失败，正在重试一次…',
  renderFailed: (p) => `❌ 渲染失败${p.reason ? `：${p.reason}` : ''}。发送 /export 重试。`,
  renderTimeout: '渲染时间超出预期。请稍后发送 /export 重试。',
  videoReady: '🎉 视频已完成！',
  restarting: '⏸ 机器人正在重启。进行中的渲染会继续，完成后会发送到这里；其他请求请一分钟后重新发送。',
  openInEditor: (p) => `在 NemoVideo 中打开项目：${p.url}`,
  credits: (p) => `💳 积分：可用 ${p.available}，进行中的任务占用 ${p.frozen}（共 ${p.total}）。`,
  creditsAnonymous: '你正在使用免费体验账户；注册后可保留项目并获得更多积分。',
  link: (p) => `🔗 在 NemoVideo 中打开此项目：${p.url}`,
  noProject: '这个聊天还没有项目。请发送照片或描述你想要的视频。',
  recovering: '📡 连接中断。我不会重复发送你的请求，正在检查项目结果…',
  recoveryFailed: '无法确认该请求的结果。发送 /status 查看，或重新发送请求。',
  interrupted: (p) => `🔁 处理“${p.prompt}”时机器人重启了。我不会重复发送该请求，正在检查项目结果…`,
  replyShortened: '✂️ 这条回复太长，其余部分已省略。发送 /status 查看项目。',
  silentNothing: '请求已结束但没有回复，项目中也没有发现变化。',
  help: [
    '我可以把照片、视频片段和一句话变成完整的视频。',
    '',
    '• 发送照片/视频/音乐并附上说明，例如“把这些做成 30 秒带音乐的宣传片”',
    '• /video <描述> — 新建项目   • /edit <指令> — 修改',
    '• /export — 导出 MP4   • /status — 查看时间线   • /credits — 积分余额',
    '• /link — 在 NemoVideo 中打开项目   • /new — 重新开始   • /cancel — 停止当前请求',
  ].join('\n'),
  activity: {
    upload: '上传文件',
    music: '添加音乐',
    title: '添加文字',
    generate: '生成视频',
    edit: '编辑中',
    render: '渲染中',
    analyze: '分析素材',
    working: '处理中',
  },
  errors: {
    auth: '机器人暂时无法登录 NemoVideo，已通知管理员，请稍后再试。',
    session_not_found: '你的项目已过期。发送 /new 重新开始。',
    no_credits: 'NemoVideo 积分不足。请充值积分后重试。',
    no_credits_anonymous: (p) => `免费积分已用完。免费注册即可获得更多积分并保留此项目：${p.url}`,
    unsupported_file: (p) => `无法使用该文件。支持的格式：${p.formats}。`,
    empty_file: '该文件是空的（0 字节），没有可上传的内容。请重新发送：它可能还没有保存完成。',
    file_too_large: (p) => `文件太大（上限 ${p.limit}）。请压缩或剪短后再发送。`,
    client_id: 'NemoVideo 拒绝了请求，请一分钟后重试。',
    bad_request: 'NemoVideo 拒绝了该请求，请换一种说法。',
    export_blocked: '当前 NemoVideo 套餐不支持导出。请注册或升级套餐以解锁导出 — 这与积分无关。',
    rate_limited: 'NemoVideo 当前繁忙，请稍等一分钟后重试。',
    not_found: 'NemoVideo 找不到该内容。发送 /status 查看项目。',
    server: 'NemoVideo 暂时出现问题，请几分钟后重试。',
    network: '无法连接 NemoVideo，请几分钟后重试。',
    timeout: 'NemoVideo 响应超时。发送 /status 查看项目。',
    disconnected: '与 NemoVideo 的连接中断。发送 /status 查看项目。',
    stream_error: 'NemoVideo 处理该请求时出错。请重试，或换一种更简单的说法。',
    render_failed: '渲染失败。发送 /export 重试。',
    cancelled: '已停止。',
    bad_answer: 'NemoVideo 返回了无法识别的结果，请重试。',
    unexpected: '机器人内部出错，请重试；管理员可以在日志中查看详情。',
  },
};

const catalogs: Record<Language, Catalog> = { en, zh };

export function messages(language: Language): Catalog {
  return catalogs[language];
}

/** `zh*` locales read Chinese; everything else reads English. */
export function languageOf(locale: string | undefined): Language {
  return locale?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** Elapsed time as people say it: `45s`, `1m40s`. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  return minutes === 0 ? `${seconds}s` : `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 * 1024) return `${Math.round(bytes / 1024 ** 2)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
