/**
 * What a command is: data (name, bilingual description, typed options) plus a `run` that uses the
 * core. Every adapter registers commands from these definitions, so a command exists once.
 */
import { z } from 'zod';
import type { Conversation } from '../src/core/conversation.ts';
import type { ReplySurface, Turn } from '../src/core/seam.ts';

export interface Localized {
  en: string;
  zh: string;
}

export interface CommandOption {
  name: string;
  description: Localized;
  /** `text` options take the words after the command; `attachment` options take files. */
  kind: 'text' | 'attachment';
  required: boolean;
}

export interface CommandContext {
  conversation: Conversation;
  turn: Turn;
  surface: ReplySurface;
}

export interface Command<Args = unknown> {
  name: string;
  description: Localized;
  options: CommandOption[];
  /** Validates the arguments; a failure becomes a "needs …" answer, never an exception. */
  args: z.ZodType<Args>;
  run(context: CommandContext, args: Args): Promise<void>;
}

/** Keeps each command's `Args` checked against its own schema while the list holds many kinds. */
export function defineCommand<Args>(command: Command<Args>): Command<Args> {
  return command;
}

type SimpleOperation = 'exportVideo' | 'status' | 'credits' | 'newProject' | 'cancel' | 'link';

/** A command without options that runs one conversation operation. */
export function operationCommand(
  name: string,
  description: Localized,
  operation: SimpleOperation,
): Command<object> {
  return defineCommand({
    name,
    description,
    options: [],
    args: z.object({}),
    run: ({ conversation, turn, surface }) => conversation[operation](turn, surface),
  });
}
