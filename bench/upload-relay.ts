/**
 * Relaying a large file from a chat platform to NemoVideo, against curl doing the same. The file
 * comes from a local HTTP server in a helper process (bench/byte-source.ts) and goes to the fake
 * NemoVideo's upload endpoint in another; the bot's side is its real path: a turn with an
 * attachment whose open() streams the file's URL with undici (as the Telegram and Discord adapters
 * do), through handleTurn and the core's upload into NemoClient.uploadFiles' streaming multipart
 * body. curl does the same transfer in the same run: one curl downloads, a second one POSTs the
 * bytes as they come, in the same multipart framing, to the same endpoint (which hashes them).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { handleTurn } from '../commands/index.ts';
import type { Attachment } from '../src/core/seam.ts';
import type { RecordedPart } from '../test/fakes/nemo-types.ts';
import { Helper } from './ipc.ts';
import { BenchSurface, benchTurn, collectGarbage, MB, round, rssSampler, startBot } from './support.ts';

export interface UploadRelayResult {
  megabytes: number;
  rounds: number;
  /** MB/s of each relay by the bot, in order. */
  bot: number[];
  /** MB/s of each curl pipe, in order; undefined when curl is not installed. */
  curl: number[] | undefined;
  curlVersion: string | undefined;
  /** The bot's best throughput over curl's best. */
  ratio: number | undefined;
  baselineRssMb: number;
  peakRssMb: number;
  growthMb: number;
  method: string;
}

interface Source {
  url: string;
  sha256: string;
  size: number;
}

const fileName = 'relay.mp4';
const warmUpBytes = 32 * MB;

export async function benchUploadRelay(options: {
  megabytes: number;
  rounds: number;
}): Promise<UploadRelayResult> {
  const size = Math.round(options.megabytes * MB);
  const curlVersion = findCurl();
  const [fake, source] = await Promise.all([
    Helper.start<string>(new URL('./fake-nemo.ts', import.meta.url)),
    Helper.start<Source>(new URL('./byte-source.ts', import.meta.url), [String(size)]),
  ]);
  try {
    const token = await fake.call<string>('issueToken');
    const bot = await startBot({
      NEMO_API_URL: fake.ready,
      NEMO_TOKEN: token,
      UPLOAD_MAX_MB: String(Math.max(500, Math.ceil(options.megabytes))),
    });
    try {
      const { conversation } = bot.runtime;
      // The channel has a project already, as one that sends a clip usually has.
      await handleTurn(
        conversation,
        benchTurn(0, 'turn my photos into a short clip with some music'),
        new BenchSurface(),
      );
      const [sessionId] = await fake.call<string[]>('sessions');
      if (!sessionId) throw new Error('no session was created');
      const target = `${fake.ready}/api/upload-video/nemo_agent/me/${sessionId}`;

      const relayByBot = async (bytes: number) => {
        const surface = new BenchSurface();
        const url = bytes === size ? source.ready.url : `${source.ready.url}?bytes=${bytes}`;
        const started = performance.now();
        await handleTurn(conversation, benchTurn(0, '', [sourceAttachment(url, bytes)]), surface);
        const seconds = (performance.now() - started) / 1000;
        if (!surface.texts.some((entry) => entry.text.includes(fileName))) {
          const said = [
            ...surface.texts.map((entry) => entry.text),
            ...surface.statuses.flatMap((s) => s.finishes),
          ];
          throw new Error(`the relay did not end with the upload confirmed: ${said.join(' | ')}`);
        }
        return seconds;
      };
      const relayByCurl = (bytes: number) =>
        curlPipe(bytes === size ? source.ready.url : `${source.ready.url}?bytes=${bytes}`, target, token);
      const verify = async (who: string, bytes: number, sha256?: string) => {
        const parts = await fake.call<RecordedPart[]>('uploadParts');
        const [part, ...others] = parts;
        if (!part || others.length > 0) throw new Error(`${who}: the fake recorded ${parts.length} parts`);
        if (part.size !== bytes) throw new Error(`${who}: the fake received ${part.size} of ${bytes} bytes`);
        if (sha256 && part.sha256 !== sha256) throw new Error(`${who}: the fake received other bytes`);
      };

      await relayByBot(warmUpBytes);
      await verify('bot warm-up', warmUpBytes);
      if (curlVersion) {
        await relayByCurl(warmUpBytes);
        await verify('curl warm-up', warmUpBytes);
      }

      collectGarbage();
      await sleep(200);
      const baseline = process.memoryUsage().rss;
      const rss = rssSampler();
      const botRates: number[] = [];
      const curlRates: number[] = [];
      try {
        for (let run = 0; run < options.rounds; run += 1) {
          botRates.push(size / MB / (await relayByBot(size)));
          await verify('bot', size, source.ready.sha256);
          if (curlVersion) {
            curlRates.push(size / MB / (await relayByCurl(size)));
            await verify('curl', size, source.ready.sha256);
          }
        }
      } finally {
        rss.stop();
      }
      const ratio = curlVersion ? Math.max(...botRates) / Math.max(...curlRates) : undefined;
      return {
        megabytes: size / MB,
        rounds: options.rounds,
        bot: botRates.map((rate) => round(rate)),
        curl: curlVersion ? curlRates.map((rate) => round(rate)) : undefined,
        curlVersion,
        ratio: ratio === undefined ? undefined : round(ratio, 2),
        baselineRssMb: round(baseline / MB),
        peakRssMb: round(rss.peak / MB),
        growthMb: round((rss.peak - baseline) / MB),
        method:
          `The file source (byte-source.ts) and the fake NemoVideo run in helper processes; the bot's process is ` +
          `sampled alone. Bot: a turn with one ${fileName} attachment whose open() streams the source URL with ` +
          "undici (as the adapters do), through handleTurn, the core's upload and NemoClient.uploadFiles' " +
          'streaming multipart body; timed from handleTurn to its return (status and reply included). curl: ' +
          '`{ printf HEAD; curl -sS SOURCE; printf TAIL; } | curl -sS -X POST -T - …` in bash, i.e. one curl ' +
          'downloading and a second one uploading the bytes as they arrive (chunked) in the same multipart ' +
          'framing to the same endpoint; timed from spawn to exit. (`-F files=@-` and `--data-binary @-` ' +
          'would read the whole file into memory before sending.) The fake parses each upload and checks its ' +
          `size and sha256. Runs alternate bot and curl, ${options.rounds} each, after a ${warmUpBytes / MB} MB ` +
          "warm-up of each; the ratio is of each side's best run, so a busy neighbour on a shared host does " +
          'not decide it. Memory: RSS sampled every 50 ms from a baseline taken ' +
          'after a GC.',
      };
    } finally {
      await bot.close();
    }
  } finally {
    fake.close();
    source.close();
  }
}

/** An attachment as a chat adapter makes one: described up front, its bytes streamed on open(). */
function sourceAttachment(url: string, size: number): Attachment {
  return {
    name: fileName,
    mimeType: 'video/mp4',
    size,
    shareableUrl: undefined,
    open: async () => {
      const response = await request(url, { method: 'GET' });
      if (response.statusCode !== 200) {
        await response.body.dump();
        throw new Error(`the file source answered HTTP ${response.statusCode}`);
      }
      return response.body;
    },
  };
}

/** curl's version line, or undefined when curl is not installed. */
function findCurl(): string | undefined {
  const probe = spawnSync('curl', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.split('\n')[0]?.split(' ').slice(0, 2).join(' ') : undefined;
}

/** Seconds for curl to download `source` and POST it, as it arrives, to `target`. */
async function curlPipe(source: string, target: string, token: string): Promise<number> {
  const boundary = `----nemo-bench-${randomBytes(8).toString('hex')}`;
  const env = {
    ...process.env,
    SOURCE: source,
    TARGET: target,
    TOKEN: token,
    BOUNDARY: boundary,
    HEAD:
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${fileName}"\r\n` +
      'Content-Type: video/mp4\r\n\r\n',
    TAIL: `\r\n--${boundary}--\r\n`,
  };
  const script =
    'set -o pipefail; { printf %s "$HEAD"; curl -sS --fail "$SOURCE"; printf %s "$TAIL"; } | ' +
    'curl -sS --fail -X POST -T - -H "Expect:" -H "authorization: Bearer $TOKEN" ' +
    '-H "content-type: multipart/form-data; boundary=$BOUNDARY" "$TARGET"';
  const started = performance.now();
  const child = spawn('bash', ['-c', script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let answer = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    answer += text;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject).once('close', resolve);
  });
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0 || (JSON.parse(answer) as { code?: unknown }).code !== 0) {
    throw new Error(`the curl pipe failed (exit ${code}): ${answer.slice(0, 200)}`);
  }
  return seconds;
}
