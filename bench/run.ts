/**
 * Runs the benchmarks, prints a Markdown table for each, and exits non-zero when a target is missed.
 * With `--write`, each benchmark's figures replace its section of docs/BENCHMARKS.md.
 *
 *   npm run bench -- [--write] [--upload-mb 200]
 */
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { benchUploadMemory } from './upload-memory.ts';

interface Report {
  /** Markdown shown between the heading and the table. */
  notes: string[];
  rows: Array<[measure: string, value: string]>;
  /** Why a target was missed; empty when every target was met. */
  misses: string[];
}

interface Bench {
  /** Names the `<!-- id:start -->` … `<!-- id:end -->` section of docs/BENCHMARKS.md. */
  id: string;
  title: string;
  run(): Promise<Report>;
}

const docsFile = new URL('../docs/BENCHMARKS.md', import.meta.url);

const { values: args } = parseArgs({
  options: {
    write: { type: 'boolean', default: false },
    'upload-mb': { type: 'string', default: '200' },
  },
});

const uploadMb = Number(args['upload-mb']);
if (!(uploadMb > 0)) throw new Error(`--upload-mb must be a positive number, got ${args['upload-mb']}`);

const benches: Bench[] = [
  {
    id: 'upload-memory',
    title: `Upload memory: one ${uploadMb} MB file`,
    async run() {
      const result = await benchUploadMemory({ megabytes: uploadMb });
      // Memory must not follow the file's size: the target holds for any size.
      const targetMb = 50;
      const met = result.growthMb < targetMb;
      return {
        notes: [result.method],
        rows: [
          ['RSS before', `${result.baselineRssMb} MB`],
          ['RSS peak', `${result.peakRssMb} MB`],
          ['Growth', `**${result.growthMb} MB** (target: under ${targetMb} MB, ${met ? 'met' : 'missed'})`],
          ['Time', `${result.seconds} s`],
          ['Throughput', `${result.mbPerSecond} MB/s`],
        ],
        misses: met
          ? []
          : [`RSS grew by ${result.growthMb} MB during the upload, over the ${targetMb} MB target`],
      };
    },
  },
];

const machine = [
  os.cpus()[0]?.model.trim() ?? 'unknown CPU',
  `${os.cpus().length} cores`,
  `${Math.round(os.totalmem() / 1024 ** 3)} GB RAM`,
  `${os.type()} ${os.arch()}`,
  `Node ${process.version}`,
  new Date().toISOString().slice(0, 10),
].join(', ');

let failed = false;
const sections = new Map<string, string>();
for (const bench of benches) {
  try {
    const report = await bench.run();
    const section = [
      `### ${bench.title}`,
      '',
      `Machine: ${machine}.`,
      '',
      ...report.notes,
      '',
      ...table(['Measure', 'Value'], report.rows),
    ].join('\n');
    console.log(`${section}\n`);
    sections.set(bench.id, section);
    for (const miss of report.misses) console.error(`${bench.id}: target missed: ${miss}`);
    failed ||= report.misses.length > 0;
  } catch (error) {
    console.error(`${bench.id}: failed:`, error);
    failed = true;
  }
}

if (args.write && sections.size > 0) {
  let docs = await readFile(docsFile, 'utf8');
  for (const [id, section] of sections) {
    const start = `<!-- ${id}:start -->`;
    const end = `<!-- ${id}:end -->`;
    const block = `${start}\n${section}\n${end}`;
    const from = docs.indexOf(start);
    const to = docs.indexOf(end, from);
    // A new benchmark gets its section appended; the markers then keep it in place.
    docs =
      from >= 0 && to >= 0
        ? docs.slice(0, from) + block + docs.slice(to + end.length)
        : `${docs.trimEnd()}\n\n${block}\n`;
  }
  await writeFile(docsFile, docs);
  console.log(`wrote ${sections.size} section(s) of docs/BENCHMARKS.md`);
}

process.exitCode = failed ? 1 : 0;

/** A Markdown table with padded columns, as the formatter (`biome check`) leaves docs/BENCHMARKS.md. */
function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((_, column) =>
    Math.max(3, ...[head, ...rows].map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [line(head), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}
