/**
 * The command list and the one entry point every adapter uses for a turn: typed `/commands`,
 * platform-native commands (slash commands, buttons) and free text all arrive here.
 */

import type { Conversation } from '../src/core/conversation.ts';
import { languageOf, messages } from '../src/core/messages.ts';
import { routeText } from '../src/core/routing.ts';
import type { ReplySurface, Turn } from '../src/core/seam.ts';
import cancel from './cancel.ts';
import type { Command } from './command.ts';
import credits from './credits.ts';
import edit from './edit.ts';
import exportVideo from './export.ts';
import help from './help.ts';
import link from './link.ts';
import newProject from './new.ts';
import status from './status.ts';
import video from './video.ts';

// biome-ignore lint/suspicious/noExplicitAny: each command checks its own arguments with its schema.
export const commands: ReadonlyArray<Command<any>> = [
  video,
  edit,
  exportVideo,
  status,
  credits,
  newProject,
  cancel,
  link,
  help,
];

/**
 * Commands without options that still run when words follow them: help always helps, and a
 * "/cancel it now" must stop the work. Any other option-less command with words after it is not
 * run, since the words show the person meant something it does not do.
 */
const ignoresExtraWords = new Set(['help', 'cancel']);

export function findCommand(name: string): Command<unknown> | undefined {
  return commands.find((command) => command.name === name.toLowerCase());
}

/**
 * `/edit make it pop` → `{ name: 'edit', rest: 'make it pop' }`; Telegram's `/edit@MyBot` too. A
 * word in any script counts (`/导出`): it is an unknown command, never a prompt for NemoVideo.
 */
export function parseCommandLine(text: string): { name: string; rest: string } | undefined {
  const match = /^\/(\p{L}[\p{L}\p{N}_-]*)(?:@\S+)?(?:\s+([\s\S]*))?$/u.exec(text.trim());
  return match ? { name: match[1] as string, rest: (match[2] ?? '').trim() } : undefined;
}

/** Runs a command by name with named arguments (a slash command's options, a button's action). */
export async function runCommand(
  conversation: Conversation,
  name: string,
  args: Record<string, unknown>,
  turn: Turn,
  surface: ReplySurface,
): Promise<void> {
  const language = languageOf(turn.person.locale);
  const text = messages(language);
  const command = findCommand(name);
  if (!command) {
    await surface.postText(text.unknownCommand({ name }));
    return;
  }
  if (!(await conversation.admit(turn, surface, command.name))) return;
  const parsed = command.args.safeParse(args);
  if (!parsed.success) {
    const needed = command.options
      .filter((option) => option.required)
      .map((option) => option.description[language]);
    await surface.postText(text.badArguments({ what: needed.join(', ') }));
    return;
  }
  await command.run({ conversation, turn, surface }, parsed.data);
}

/** Handles one incoming turn: a typed command, or free text and files routed by the protocol's table. */
export async function handleTurn(
  conversation: Conversation,
  turn: Turn,
  surface: ReplySurface,
): Promise<void> {
  const typed = parseCommandLine(turn.text);
  if (typed) {
    const command = findCommand(typed.name);
    const textOption = command?.options.find((option) => option.kind === 'text');
    if (command && !textOption && typed.rest && !ignoresExtraWords.has(command.name)) {
      // `/new a cat video` would drop the words and the project with them: nothing runs.
      if (!(await conversation.admit(turn, surface, command.name))) return;
      const text = messages(languageOf(turn.person.locale));
      await surface.postText(text.extraArguments({ name: command.name }));
      return;
    }
    const args = textOption && typed.rest ? { [textOption.name]: typed.rest } : {};
    await runCommand(conversation, typed.name, args, turn, surface);
    return;
  }
  const intent = routeText(turn.text);
  const hasFiles = turn.attachments.length > 0;
  if (!hasFiles && (intent === 'export' || intent === 'status' || intent === 'credits')) {
    await runCommand(conversation, intent, {}, turn, surface);
    return;
  }
  // "upload" with files means just that: the word is not a prompt for the backend.
  const prompt = intent === 'upload' ? '' : turn.text.trim();
  if (!hasFiles && !prompt) {
    await surface.postText(messages(languageOf(turn.person.locale)).emptyTurn);
    return;
  }
  // Free text is an edit of the project; files come with it.
  if (!(await conversation.admit(turn, surface, edit.name))) return;
  await conversation.chat(turn, surface, prompt);
}
