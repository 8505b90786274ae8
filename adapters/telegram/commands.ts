/**
 * The command menu: the shared command list from commands/, registered with setMyCommands in
 * English (every other language) and in Chinese (clients set to a `zh` language).
 */
import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import { commands } from '../../commands/index.ts';
import type { Language } from '../../src/core/seam.ts';
import type { Logger } from '../../src/log.ts';
import { describeFailure } from './api.ts';

/** Telegram's limit on a command description. */
const maxDescription = 256;

export function commandMenu(language: Language): BotCommand[] {
  return commands.map((command) => ({
    command: command.name,
    description: command.description[language].slice(0, maxDescription),
  }));
}

/** Registers the menu; a failure is logged, not fatal: typed commands work without the menu. */
export async function registerCommands(api: Api, logger: Logger): Promise<void> {
  try {
    await api.setMyCommands(commandMenu('en'));
    await api.setMyCommands(commandMenu('zh'), { language_code: 'zh' });
  } catch (error) {
    logger.warn('could not register the command menu', describeFailure(error));
  }
}
