import { z } from 'zod';
import { languageOf, messages } from '../src/core/messages.ts';
import { defineCommand } from './command.ts';

export default defineCommand({
  name: 'help',
  description: { en: 'What this bot can do', zh: '查看机器人的功能' },
  options: [],
  args: z.object({}),
  run: ({ turn, surface }) => surface.postText(messages(languageOf(turn.person.locale)).help),
});
