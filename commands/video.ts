import { z } from 'zod';
import { defineCommand } from './command.ts';

/** `/video <prompt>` with files: starts a new project from them. */
export default defineCommand({
  name: 'video',
  description: { en: 'Start a new video from your files and a prompt', zh: '用文件和描述新建视频' },
  options: [
    {
      name: 'prompt',
      kind: 'text',
      required: true,
      description: {
        en: 'What to make, e.g. "a 30-second promo with music"',
        zh: '想要的视频，例如“30 秒带音乐的宣传片”',
      },
    },
  ],
  args: z.object({ prompt: z.string().trim().min(1) }),
  run: ({ conversation, turn, surface }, { prompt }) => conversation.chat(turn, surface, prompt, true),
});
