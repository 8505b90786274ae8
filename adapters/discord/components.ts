/**
 * The core's actions as Discord buttons, and back. A button's custom id names the command it runs
 * (`nemo:export`), well within Discord's 100-character limit, so a click after a restart still
 * works: nothing about the button lives in memory.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';
import type { Action, Language } from '../../src/core/seam.ts';
import { discordTexts } from './texts.ts';

const prefix = 'nemo:';
const actions: readonly Action[] = ['export', 'status', 'new'];

export function customIdFor(action: Action): string {
  return `${prefix}${action}`;
}

/** The action a button stands for, or undefined for a button that is not ours. */
export function actionOf(customId: string): Action | undefined {
  if (!customId.startsWith(prefix)) return undefined;
  const name = customId.slice(prefix.length);
  return actions.find((action) => action === name);
}

/** One row of buttons (Discord allows five per row; the core offers at most three). */
export function buttonRows(
  list: Action[] | undefined,
  language: Language,
): ActionRowBuilder<ButtonBuilder>[] {
  if (!list || list.length === 0) return [];
  const labels = discordTexts(language).buttons;
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    list.map((action) =>
      new ButtonBuilder()
        .setCustomId(customIdFor(action))
        .setLabel(labels[action])
        .setStyle(action === 'export' ? ButtonStyle.Primary : ButtonStyle.Secondary),
    ),
  );
  return [row];
}
