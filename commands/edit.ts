import { z } from 'zod';
import { defineCommand } from './command.ts';

/** `/edit <instruction>`: changes the current project. */
export default defineCommand({
  name: 'edit',
  description: { en: 'Change the current video', zh: '修改当前视频' },
  options: [
    {
      name: 'instruction',
      kind: 'text',
      required: true,
      description: { en: 'The change, e.g. "make the title bigger"', zh: '修改内容，例如“把标题放大”' },
    },
  ],
  args: z.object({ instruction: z.string().trim().min(1) }),
  run: ({ conversation, turn, surface }, { instruction }) => conversation.chat(turn, surface, instruction),
});
