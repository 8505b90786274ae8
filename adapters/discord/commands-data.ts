/**
 * The slash commands, generated from the shared definitions in commands/: the same names,
 * descriptions and options as every other platform, plus Discord's own touches — Chinese
 * (`zh-CN`) names, and five attachment options on /video so files come with the command.
 */

import type { APIApplicationCommandOption } from 'discord.js';
import {
  ApplicationCommandOptionType,
  ApplicationIntegrationType,
  InteractionContextType,
  Locale,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Command, CommandOption, Localized } from '../../commands/command.ts';
import { commands } from '../../commands/index.ts';

/** How many files /video takes; Discord allows 25 options per command. */
export const videoFileOptions = 5;
/** `file1` … `file5`. */
export const fileOptionName = (index: number): string => `file${index}`;

/** Names members see in a Chinese client. Discord requires lower case where a script has case. */
const chineseNames: Record<string, string> = {
  video: '视频',
  edit: '修改',
  export: '导出',
  status: '状态',
  credits: '积分',
  new: '新建',
  cancel: '取消',
  link: '链接',
  help: '帮助',
  prompt: '描述',
  instruction: '指令',
};

const fileDescription: Localized = {
  en: 'A photo, clip or music file for the video',
  zh: '用于视频的照片、视频片段或音乐文件',
};

function chineseName(name: string): string | undefined {
  const file = /^file(\d)$/.exec(name);
  return file ? `文件${file[1]}` : chineseNames[name];
}

function names(name: string): Pick<APIApplicationCommandOption, 'name' | 'name_localizations'> {
  const zh = chineseName(name);
  return { name, ...(zh ? { name_localizations: { [Locale.ChineseCN]: zh } } : {}) };
}

function descriptions(text: Localized) {
  return { description: text.en, description_localizations: { [Locale.ChineseCN]: text.zh } };
}

function optionData(option: CommandOption): APIApplicationCommandOption {
  const common = { ...names(option.name), ...descriptions(option.description), required: option.required };
  return option.kind === 'attachment'
    ? { type: ApplicationCommandOptionType.Attachment, ...common }
    : { type: ApplicationCommandOptionType.String, ...common };
}

/** The options a command has on Discord: its own, then (for /video) the optional file slots. */
export function discordOptions(command: Command<unknown>): CommandOption[] {
  const own = command.options;
  if (command.name !== 'video') return own;
  const files: CommandOption[] = Array.from({ length: videoFileOptions }, (_, index) => ({
    name: fileOptionName(index + 1),
    description: fileDescription,
    kind: 'attachment',
    required: false,
  }));
  // Discord wants every required option before the optional ones.
  return [...own.filter((option) => option.required), ...own.filter((option) => !option.required), ...files];
}

export function commandData(command: Command<unknown>): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return {
    ...names(command.name),
    ...descriptions(command.description),
    options: discordOptions(command).map(optionData),
    // Servers only: projects live in server channels and threads.
    contexts: [InteractionContextType.Guild],
    integration_types: [ApplicationIntegrationType.GuildInstall],
  };
}

/** The body of the bulk overwrite (`PUT …/commands`) that `npm run deploy-commands` sends. */
export function allCommandData(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return commands.map((command) => commandData(command));
}
