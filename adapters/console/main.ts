/**
 * `npm run console`: the whole bot from a terminal, or from a script piped to standard input.
 *
 *   /attach <path> [<path>…]   queue local files for the next turn
 *   <text>                     send the text (and queued files) as one turn
 *   /export, /status, …        run a command
 *
 * Each line is handled after the previous one has finished, render included. At end of input the
 * console waits for running work, then exits.
 */
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { handleTurn } from '../../commands/index.ts';
import type { Attachment, Turn } from '../../src/core/seam.ts';
import { runMain, startRuntime } from '../../src/runtime.ts';
import { ConsoleSurface } from './surface.ts';

function localFile(path: string): Attachment {
  return {
    name: basename(path),
    size: statSync(path).size,
    open: async () => createReadStream(path),
  };
}

await runMain(async () => {
  const runtime = await startRuntime();
  const { conversation, logger } = runtime;
  const downloadDir = 'data/videos';
  mkdirSync(downloadDir, { recursive: true });
  const surface = new ConsoleSurface(process.stdout, downloadDir);
  const person = { id: userInfo().username, displayName: userInfo().username, locale: process.env.LANG };
  const channel = `console:${runtime.config.consoleChannel}`;
  await conversation.resumeRenders('console', (key) => (key === channel ? surface : undefined));

  let queued: Attachment[] = [];
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    const text = line.trim();
    if (!text) continue;
    if (text.startsWith('/attach')) {
      const paths = text.split(/\s+/).slice(1);
      const missing = paths.filter((path) => !existsSync(path) || !statSync(path).isFile());
      if (paths.length === 0 || missing.length > 0) {
        await surface.postText(`Not a file: ${missing.join(', ') || '(no path given)'}`);
        continue;
      }
      queued.push(...paths.map(localFile));
      await surface.postText(`Queued: ${paths.map((path) => basename(path)).join(', ')}`);
      continue;
    }
    const turn: Turn = { platform: 'console', channel, person, text, attachments: queued };
    queued = [];
    await handleTurn(conversation, turn, surface).catch((error: unknown) => {
      logger.error('turn failed', { error });
    });
  }
  await conversation.idle();
  await runtime.close();
});
