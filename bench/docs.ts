/** Writing results into docs/BENCHMARKS.md, in the shape its formatter (`biome check`) keeps. */
import { readFile, writeFile } from 'node:fs/promises';

const docsFile = new URL('../docs/BENCHMARKS.md', import.meta.url);

/** A Markdown table with columns padded to their widest cell, counted in characters. */
export function markdownTable(head: string[], rows: string[][]): string[] {
  const widths = head.map((_, column) =>
    Math.max(3, ...[head, ...rows].map((row) => [...(row[column] ?? '')].length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell + ' '.repeat((widths[column] ?? 0) - [...cell].length)).join(' | ')} |`;
  return [line(head), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}

/**
 * Replaces each benchmark's section between its `<!-- id:start -->` and `<!-- id:end -->` markers;
 * a new benchmark gets its section appended, and the markers then keep it in place.
 */
export async function writeSections(sections: Map<string, string>): Promise<void> {
  let docs = await readFile(docsFile, 'utf8');
  for (const [id, section] of sections) {
    const start = `<!-- ${id}:start -->`;
    const end = `<!-- ${id}:end -->`;
    const block = `${start}\n${section}\n${end}`;
    const from = docs.indexOf(start);
    const to = docs.indexOf(end, from);
    docs =
      from >= 0 && to >= 0
        ? docs.slice(0, from) + block + docs.slice(to + end.length)
        : `${docs.trimEnd()}\n\n${block}\n`;
  }
  await writeFile(docsFile, docs);
}
