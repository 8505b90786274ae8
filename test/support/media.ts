/** Test media made with ffmpeg: photos, tones, and helpers to inspect rendered videos. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function makePhoto(
  dir: string,
  name: string,
  source: string,
  size = '640x480',
): Promise<string> {
  const path = join(dir, name);
  await run('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `${source}=size=${size}`,
    '-frames:v',
    '1',
    '-y',
    path,
  ]);
  return path;
}

export async function makeTone(dir: string, name = 'tone.wav', seconds = 4): Promise<string> {
  const path = join(dir, name);
  await run('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:duration=${seconds}`,
    '-y',
    path,
  ]);
  return path;
}

export interface Probed {
  width: number;
  height: number;
  codec: string;
  pixelFormat: string;
  durationSeconds: number;
  hasAudio: boolean;
}

export async function probe(path: string): Promise<Probed> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_streams',
    '-show_format',
    '-of',
    'json',
    path,
  ]);
  const info = JSON.parse(stdout) as {
    streams: Array<{
      codec_type: string;
      codec_name: string;
      width?: number;
      height?: number;
      pix_fmt?: string;
    }>;
    format: { duration: string };
  };
  const video = info.streams.find((stream) => stream.codec_type === 'video');
  return {
    width: video?.width ?? 0,
    height: video?.height ?? 0,
    codec: video?.codec_name ?? '',
    pixelFormat: video?.pix_fmt ?? '',
    durationSeconds: Number(info.format.duration),
    hasAudio: info.streams.some((stream) => stream.codec_type === 'audio'),
  };
}

/** One frame at `seconds`, as raw grey pixels, cropped to a region (x, y, w, h). */
export async function greyRegion(
  path: string,
  seconds: number,
  region: { x: number; y: number; w: number; h: number },
): Promise<Buffer> {
  const { x, y, w, h } = region;
  const { stdout } = await run(
    'ffmpeg',
    [
      '-v',
      'error',
      '-ss',
      String(seconds),
      '-i',
      path,
      '-frames:v',
      '1',
      '-vf',
      `crop=${w}:${h}:${x}:${y},format=gray`,
      '-f',
      'rawvideo',
      '-',
    ],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

/** Mean absolute difference of two same-size grey buffers, 0–255. */
export function meanDifference(a: Buffer, b: Buffer): number {
  let total = 0;
  for (let index = 0; index < a.length; index += 1) total += Math.abs((a[index] ?? 0) - (b[index] ?? 0));
  return total / Math.max(1, a.length);
}
