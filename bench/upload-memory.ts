/**
 * How much memory the bot's process gains while it relays one large file to NemoVideo. The fake
 * backend runs in a child process, so the RSS sampled here is the client's alone; the file is
 * generated as it is sent and checked (size and sha256) on the other end.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, type Hash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import Keyv from 'keyv';
import { NemoClient } from '../src/nemo/client.ts';
import type { UploadSource } from '../src/nemo/multipart.ts';
import type { RecordedPart } from '../test/fakes/nemo-types.ts';

export interface UploadMemoryResult {
  megabytes: number;
  baselineRssMb: number;
  peakRssMb: number;
  growthMb: number;
  seconds: number;
  mbPerSecond: number;
  /** How the figures were obtained, in a sentence for the report. */
  method: string;
}

const MB = 1024 * 1024;
const sampleEveryMs = 50;

// Runs in the child: serves the fake, sends its URL, then answers each message with the upload
// parts it recorded. It exits with its parent (the IPC channel closing).
const fakeModule = new URL('../test/fakes/nemo-server.ts', import.meta.url).href;
const childScript = `
import { startFakeNemo } from ${JSON.stringify(fakeModule)};
const fake = await startFakeNemo();
process.on('message', () => process.send(fake.requestsTo('upload').flatMap((request) => request.parts ?? [])));
process.on('disconnect', () => process.exit());
process.send(fake.url);
`;

export async function benchUploadMemory(options: { megabytes: number }): Promise<UploadMemoryResult> {
  const size = Math.round(options.megabytes * MB);
  const child = spawn(process.execPath, ['--input-type=module', '--eval', childScript], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const url = String(await nextMessage(child));
    const client = new NemoClient({
      apiUrl: url,
      webUrl: 'https://web.example',
      attribution: { source: 'bench', version: '0.0.0' },
      store: new Keyv(),
      uploadMaxBytes: size,
      rateLimitWaitMs: 50,
      requestTimeoutMs: 600_000,
      chatTimeoutMs: 10_000,
      chatIdleTimeoutMs: 5_000,
    });
    try {
      // The token and the session come first, so the baseline already holds a warm connection.
      const session = await client.createSession({ taskName: 'bench', language: 'en' });
      const file = generatedFile(size);

      collectGarbage();
      await sleep(200);
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, sampleEveryMs);
      const started = performance.now();
      try {
        await client.uploadFiles(session.sessionId, [file.source]);
      } finally {
        clearInterval(sampler);
      }
      const seconds = (performance.now() - started) / 1000;
      peak = Math.max(peak, process.memoryUsage().rss);

      child.send('parts?');
      const parts = (await nextMessage(child)) as RecordedPart[];
      verify(parts, size, file.sha256());

      return {
        megabytes: size / MB,
        baselineRssMb: round(baseline / MB),
        peakRssMb: round(peak / MB),
        growthMb: round((peak - baseline) / MB),
        seconds: round(seconds, 2),
        mbPerSecond: round(size / MB / seconds),
        method:
          `RSS of the bot's process alone (the fake NemoVideo runs in a child process), sampled every ` +
          `${sampleEveryMs} ms from a baseline taken after a GC; the upload includes hashing the file as it ` +
          'is generated, and the fake checked its size and sha256.',
      };
    } finally {
      await client.close();
    }
  } finally {
    child.kill();
  }
}

/**
 * A file of `size` bytes made of a few random 1 MB chunks taken in turn: nothing to compute per
 * chunk, and a chunk is never written to after it is handed over (the socket may still hold it).
 * Consecutive chunks differ, so a lost or repeated chunk changes the hash.
 */
function generatedFile(size: number): { source: UploadSource; sha256(): string } {
  const pool = Array.from({ length: 4 }, () => randomBytes(MB));
  let hash: Hash = createHash('sha256');
  const source: UploadSource = {
    name: 'bench.mp4',
    mimeType: 'video/mp4',
    size,
    async *open() {
      hash = createHash('sha256'); // a retried request reads the file again
      for (let sent = 0, index = 0; sent < size; sent += MB, index += 1) {
        const chunk = (pool[index % pool.length] as Buffer).subarray(0, size - sent);
        hash.update(chunk);
        yield chunk;
      }
    },
  };
  return { source, sha256: () => hash.digest('hex') };
}

function verify(parts: RecordedPart[], size: number, sha256: string): void {
  const [part, ...others] = parts;
  if (!part || others.length > 0) throw new Error(`the fake recorded ${parts.length} parts, expected 1`);
  if (part.size !== size) throw new Error(`the fake received ${part.size} bytes, expected ${size}`);
  if (part.sha256 !== sha256) throw new Error('the fake received different bytes (sha256 mismatch)');
}

/** The child's next IPC message; rejects if it dies first, so a broken fake cannot hang the bench. */
function nextMessage(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the fake NemoVideo exited (${code})`));
    child.once('exit', onExit).once('error', reject);
    child.once('message', (message) => {
      child.off('exit', onExit).off('error', reject);
      resolve(message);
    });
  });
}

/** `global.gc`, exposed at run time when node was started without --expose-gc. */
function collectGarbage(): void {
  if (!globalThis.gc) setFlagsFromString('--expose-gc');
  (globalThis.gc ?? (runInNewContext('gc') as () => void))();
}

function round(value: number, digits = 1): number {
  return Number(value.toFixed(digits));
}
