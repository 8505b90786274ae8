/**
 * Slash commands and buttons. Every interaction is acknowledged first (a deferred reply, well
 * inside Discord's 3 seconds), then answered by editing that reply: the command runs through the
 * shared commands/ with a surface for its channel — or, for `/video`, for the project's new thread.
 */
import type {
  ButtonInteraction,
  ChatInputCommandInteraction,
  Interaction,
  RepliableInteraction,
} from 'discord.js';
import type { Command } from '../../commands/command.ts';
import { findCommand, runCommand } from '../../commands/index.ts';
import type { Conversation } from '../../src/core/conversation.ts';
import { languageOf, messages } from '../../src/core/messages.ts';
import type { Attachment, Language } from '../../src/core/seam.ts';
import type { Logger } from '../../src/log.ts';
import { fileOptionName, videoFileOptions } from './commands-data.ts';
import { actionOf } from './components.ts';
import { loggable } from './errors.ts';
import { ChannelTarget } from './posting.ts';
import { DiscordSurface, type SurfaceTiming } from './surface.ts';
import { discordTexts, permissionLabel } from './texts.ts';
import { openProjectThread, threadName } from './threads.ts';
import { attachmentOf, interactionPerson, interactionTurn, type LocaleMemory } from './turns.ts';

export interface InteractionContext {
  conversation: Conversation;
  logger: Logger;
  timing: SurfaceTiming;
  locales: LocaleMemory;
}

/** One command to run for an interaction, and where its answers go. */
interface Invocation {
  interaction: RepliableInteraction;
  command: string;
  args: Record<string, string>;
  text: string;
  attachments: Attachment[];
  channelId: string;
  surface: DiscordSurface;
}

export async function handleInteraction(
  context: InteractionContext,
  interaction: Interaction,
): Promise<void> {
  if (interaction.isChatInputCommand()) await handleCommand(context, interaction);
  else if (interaction.isButton()) await handleButton(context, interaction);
}

async function handleCommand(context: InteractionContext, interaction: ChatInputCommandInteraction) {
  if (!(await acknowledge(interaction, context.logger))) return;
  const language = rememberLocale(context, interaction);
  const command = findCommand(interaction.commandName);
  const { args, text, attachments } = commandInput(interaction, command);
  const invocation: Invocation = {
    interaction,
    command: interaction.commandName,
    args,
    text,
    attachments,
    channelId: interaction.channelId,
    surface: surfaceFor(context, interaction, interaction.channelId),
  };
  if (command?.name === 'video' && args.prompt) {
    const opened = await openThreadFor(context, interaction, invocation, args.prompt, language);
    if (!opened) return;
    await run(context, opened);
    return;
  }
  await run(context, invocation);
}

async function handleButton(context: InteractionContext, interaction: ButtonInteraction) {
  const action = actionOf(interaction.customId);
  if (!action) return;
  if (!(await acknowledge(interaction, context.logger))) return;
  rememberLocale(context, interaction);
  await run(context, {
    interaction,
    command: action,
    args: {},
    text: '',
    attachments: [],
    channelId: interaction.channelId,
    surface: surfaceFor(context, interaction, interaction.channelId),
  });
}

/** The deferred reply; false (and a log line) when Discord no longer takes it. */
async function acknowledge(interaction: RepliableInteraction, logger: Logger): Promise<boolean> {
  try {
    await interaction.deferReply();
    return true;
  } catch (error) {
    logger.warn('could not acknowledge an interaction in time', { error: loggable(error) });
    return false;
  }
}

/** Interactions carry the member's client language; plain messages later only find it here. */
function rememberLocale(context: InteractionContext, interaction: RepliableInteraction): Language {
  const person = interactionPerson(interaction);
  context.locales.remember(person.id, person.locale);
  return languageOf(person.locale);
}

/** The command's text options by name (the core checks them) and, for /video, its files. */
function commandInput(interaction: ChatInputCommandInteraction, command: Command<unknown> | undefined) {
  const args: Record<string, string> = {};
  for (const option of command?.options ?? []) {
    const value = option.kind === 'text' ? interaction.options.getString(option.name) : null;
    if (value !== null) args[option.name] = value;
  }
  const attachments: Attachment[] = [];
  if (command?.name === 'video') {
    for (let index = 1; index <= videoFileOptions; index += 1) {
      const file = interaction.options.getAttachment(fileOptionName(index));
      if (file) attachments.push(attachmentOf(file));
    }
  }
  return { args, text: Object.values(args).join(' '), attachments };
}

/**
 * Moves a /video into its own thread where the channel and permissions allow it; says why not
 * when a permission is missing. Undefined when the person may not use the bot here at all.
 */
async function openThreadFor(
  context: InteractionContext,
  interaction: ChatInputCommandInteraction,
  invocation: Invocation,
  prompt: string,
  language: Language,
): Promise<Invocation | undefined> {
  const { surface, channelId } = invocation;
  // Someone turned away must not leave an empty thread behind.
  const here = interactionTurn(interaction, channelId, invocation.text, invocation.attachments);
  if (!(await context.conversation.admit(here, surface, invocation.command))) return undefined;
  const texts = discordTexts(language);
  const place = await openProjectThread(
    interaction,
    threadName(prompt, texts.threadName),
    messages(language).working,
    context.logger,
  );
  if (place.kind === 'thread') {
    const original = { shown: place.shown, shownAt: place.shownAt };
    return {
      ...invocation,
      channelId: place.threadId,
      surface: surfaceFor(context, interaction, place.threadId, { inThread: true, original }),
    };
  }
  if (place.missing) {
    await surface.postText(texts.noThread({ permission: permissionLabel(language, place.missing) }));
  }
  return invocation;
}

function surfaceFor(
  context: InteractionContext,
  interaction: RepliableInteraction,
  channelId: string,
  thread?: { inThread: boolean; original: { shown: string; shownAt: number } },
): DiscordSurface {
  const person = interactionPerson(interaction);
  const inThread = thread?.inThread ?? interaction.channel?.isThread() ?? false;
  return new DiscordSurface({
    // The interaction says what the bot may do here; a new thread inherits its channel's rights.
    target: new ChannelTarget(interaction.client, channelId, {
      permissions: interaction.appPermissions,
      inThread,
    }),
    language: languageOf(person.locale),
    timing: context.timing,
    logger: context.logger,
    interaction,
    original: thread?.original,
    personId: person.id,
  });
}

async function run(context: InteractionContext, invocation: Invocation): Promise<void> {
  const { interaction, surface } = invocation;
  const turn = interactionTurn(interaction, invocation.channelId, invocation.text, invocation.attachments);
  try {
    await runCommand(context.conversation, invocation.command, invocation.args, turn, surface);
    await surface.settle();
  } catch (error) {
    // The core answers its own failures; this is the adapter's, told as the core would.
    context.logger.error('Discord command failed', { command: invocation.command, error: loggable(error) });
    const unexpected = messages(languageOf(turn.person.locale)).errors.unexpected;
    await surface.postText(unexpected).catch(() => {});
  }
}
