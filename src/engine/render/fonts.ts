/**
 * Fonts for titles: DejaVu Sans Bold ships with the project (assets/fonts, with its licence), so
 * titles look the same everywhere. It has no Chinese, Japanese or Korean glyphs, so titles with
 * those use a system CJK font when fontconfig knows one, and the shipped font otherwise.
 */
import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const shippedFont = fileURLToPath(
  new URL('../../../assets/fonts/DejaVuSans-Bold.ttf', import.meta.url),
);

const cjk =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]/u;

export function hasCjk(text: string): boolean {
  return cjk.test(text);
}

let systemCjk: Promise<string | undefined> | undefined;

/** A font file that covers simplified Chinese, by `fc-match`; undefined without one (or fontconfig). */
export function findCjkFont(): Promise<string | undefined> {
  systemCjk ??= matchFont(':lang=zh-cn', 'zh-cn');
  return systemCjk;
}

export async function fontFor(text: string): Promise<string> {
  return (hasCjk(text) && (await findCjkFont())) || shippedFont;
}

/** fc-match always answers with its best font; it only counts when that font covers `lang`. */
function matchFont(pattern: string, lang: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn('fc-match', ['-f', '%{file}\n%{lang}', pattern], {
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', () => resolve(undefined));
    child.on('close', async () => {
      const [file, langs = ''] = output.split('\n');
      if (!file || !langs.split('|').includes(lang)) return resolve(undefined);
      try {
        await access(file);
        resolve(file);
      } catch {
        resolve(undefined);
      }
    });
  });
}
