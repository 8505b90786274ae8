/**
 * What only the Discord adapter says (button labels, permission problems, the 15-minute hand-over),
 * in English and Simplified Chinese. Everything else comes from the core's catalog.
 * Permission names are the ones Discord's own settings screens show in each language.
 */
import type { Action, Language } from '../../src/core/seam.ts';

type Params = Record<string, string | number>;

const en = {
  buttons: { export: 'Export', status: 'Status', new: 'New project' } satisfies Record<Action, string>,
  permissions: {
    SendMessages: 'Send Messages',
    SendMessagesInThreads: 'Send Messages in Threads',
    CreatePublicThreads: 'Create Public Threads',
    AttachFiles: 'Attach Files',
    ViewChannel: 'View Channel',
    ReadMessageHistory: 'Read Message History',
  } as Record<string, string>,
  noThread: (p: Params) =>
    `ℹ️ I can't open a thread here (missing permission: ${p.permission}), so this channel holds the project.`,
  continuedBelow:
    '↪️ Continued in a new message below: Discord only lets me edit a reply to a command for 15 minutes.',
  cannotContinue: (p: Params) =>
    `⚠️ I can't post here once this reply expires (missing permission: ${p.permission}). Ask an admin to grant it, or run /status later.`,
  tooLargeToAttach: (p: Params) =>
    `The MP4 is larger than Discord allows here (${p.limit}), so here is a link.`,
  tooLargeNoLink: (p: Params) =>
    `The MP4 is larger than Discord allows here (${p.limit}); open the project in NemoVideo to download it.`,
  cannotAttach: (p: Params) =>
    `I can't upload files here (missing permission: ${p.permission}), so here is a link.`,
  threadName: 'NemoVideo project',
};

type Catalog = typeof en;

const zh: Catalog = {
  buttons: { export: '导出', status: '状态', new: '新项目' },
  permissions: {
    SendMessages: '发送消息',
    SendMessagesInThreads: '在子区中发送消息',
    CreatePublicThreads: '创建公开子区',
    AttachFiles: '附加文件',
    ViewChannel: '查看频道',
    ReadMessageHistory: '阅读消息历史记录',
  },
  noThread: (p) => `ℹ️ 我无法在这里创建子区（缺少权限：${p.permission}），项目将在本频道中进行。`,
  continuedBelow: '↪️ 后续进度见下方新消息：Discord 只允许我在 15 分钟内编辑命令的回复。',
  cannotContinue: (p) =>
    `⚠️ 这条回复过期后我无法在这里发言（缺少权限：${p.permission}）。请管理员授予该权限，或稍后发送 /status 查看。`,
  tooLargeToAttach: (p) => `MP4 超过了这里允许的大小（${p.limit}），请使用下面的链接。`,
  tooLargeNoLink: (p) => `MP4 超过了这里允许的大小（${p.limit}），请在 NemoVideo 中打开项目下载。`,
  cannotAttach: (p) => `我无法在这里上传文件（缺少权限：${p.permission}），请使用下面的链接。`,
  threadName: 'NemoVideo 项目',
};

const catalogs: Record<Language, Catalog> = { en, zh };

export function discordTexts(language: Language): Catalog {
  return catalogs[language];
}

/** A permission flag name as people read it, e.g. `SendMessagesInThreads` → "Send Messages in Threads". */
export function permissionLabel(language: Language, flag: string): string {
  return catalogs[language].permissions[flag] ?? flag;
}

/** `10485760` → `10 MB`. */
export function formatBytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}
