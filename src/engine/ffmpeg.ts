/**
 * The system ffmpeg the local engine renders with: found on PATH, checked once at start-up (5.0 or
 * newer, with libx264 and the filters the renderer uses), and ffprobe for reading uploaded media.
 * A missing or unusable ffmpeg is one clear message that says how to install it.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export interface Ffmpeg {
  ffmpeg: string;
  ffprobe: string;
  version: string;
}

export const minimumFfmpegMajor = 5;

/** What the renderer cannot do without. */
const requiredEncoders = ['libx264', 'aac'];
const requiredFilters = ['xfade', 'drawtext', 'ebur128', 'afade', 'boxblur', 'overlay', 'anullsrc'];

export const installHint =
  'Install it with your package manager, e.g. `sudo apt-get install ffmpeg` (Debian/Ubuntu), ' +
  '`sudo dnf install ffmpeg` (Fedora, RPM Fusion), `brew install ffmpeg` (macOS) or ' +
  '`winget install Gyan.FFmpeg` (Windows), then start again.';

/** ffmpeg cannot be used: not installed, too old, or built without what rendering needs. */
export class FfmpegMissing extends Error {
  override readonly name = 'FfmpegMissing';
}

export interface FindFfmpegOptions {
  /** Directories to look in, separated like PATH; defaults to the PATH of this process. */
  searchPath?: string | undefined;
}

export async function findFfmpeg(options: FindFfmpegOptions = {}): Promise<Ffmpeg> {
  const searchPath = options.searchPath ?? process.env.PATH ?? '';
  const ffmpeg = await findExecutable('ffmpeg', searchPath);
  const ffprobe = await findExecutable('ffprobe', searchPath);
  const need = `The local render engine needs ffmpeg ${minimumFfmpegMajor} or newer (with ffprobe).`;
  if (!ffmpeg || !ffprobe) {
    const missing = [!ffmpeg && 'ffmpeg', !ffprobe && 'ffprobe'].filter(Boolean).join(' and ');
    throw new FfmpegMissing(`${need} ${missing} was not found on PATH. ${installHint}`);
  }
  let output: Captured;
  try {
    output = await capture(ffmpeg, ['-hide_banner', '-version'], 10_000);
  } catch (error) {
    throw new FfmpegMissing(
      `${need} ${ffmpeg} could not be run (${(error as Error).message}). ${installHint}`,
    );
  }
  const version = /ffmpeg version (\S+)/.exec(output.stdout)?.[1];
  if (output.code !== 0 || !version) {
    throw new FfmpegMissing(`${need} ${ffmpeg} did not report a version. ${installHint}`);
  }
  const major = versionMajor(version);
  if (major !== undefined && major < minimumFfmpegMajor) {
    throw new FfmpegMissing(`${need} Found ffmpeg ${version} at ${ffmpeg}, which is too old. ${installHint}`);
  }
  const [encoders, filters] = await Promise.all([
    capture(ffmpeg, ['-hide_banner', '-encoders'], 10_000),
    capture(ffmpeg, ['-hide_banner', '-filters'], 10_000),
  ]);
  const lacking = [
    ...requiredEncoders.filter((name) => !new RegExp(`^\\s*\\S+\\s+${name}\\s`, 'm').test(encoders.stdout)),
    ...requiredFilters.filter((name) => !new RegExp(`^\\s*\\S+\\s+${name}\\s`, 'm').test(filters.stdout)),
  ];
  if (lacking.length > 0) {
    throw new FfmpegMissing(
      `${need} The ffmpeg at ${ffmpeg} (${version}) was built without ${lacking.join(', ')}. ` +
        `Install a full build: ${installHint}`,
    );
  }
  return { ffmpeg, ffprobe, version };
}

/**
 * The major version of an ffmpeg version string: `5.1.9-0+deb12u1`, `n6.0`, `7.1`. Git builds
 * (`N-112345-g…`, `2024-05-01-git-…`) have none and are taken as new enough.
 */
export function versionMajor(version: string): number | undefined {
  const match = /^n?(\d+)\.\d+/.exec(version);
  if (!match || /^\d{4}-\d{2}-\d{2}/.test(version)) return undefined;
  return Number(match[1]);
}

async function findExecutable(name: string, searchPath: string): Promise<string | undefined> {
  const names =
    process.platform === 'win32'
      ? (process.env.PATHEXT ?? '.EXE').split(';').map((extension) => `${name}${extension.toLowerCase()}`)
      : [name];
  for (const directory of searchPath.split(delimiter)) {
    if (!directory) continue;
    for (const candidate of names) {
      const path = join(directory, candidate);
      try {
        await access(path, constants.X_OK);
        if ((await stat(path)).isFile()) return path;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

export interface ProbedMedia {
  kind: 'image' | 'video' | 'audio';
  durationMs?: number;
  width?: number;
  height?: number;
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  duration?: string;
  sample_rate?: string;
  channels?: number;
  disposition?: { attached_pic?: number };
}

interface ProbeOutput {
  streams?: ProbeStream[];
  format?: { format_name?: string; duration?: string };
}

/** Demuxers of single still images (a stored upload has no extension, so ffmpeg sniffs it). */
const imageFormats = /(^|,)(image2|\w+_pipe|gif|webp)(,|$)/;

/** What a file holds, by ffprobe; throws when ffprobe cannot read it as media. */
export async function probeMedia(ff: Ffmpeg, path: string): Promise<ProbedMedia> {
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path];
  const result = await capture(ff.ffprobe, args, 30_000);
  if (result.code !== 0) throw new Error(`ffprobe could not read the file: ${lastLine(result.stderr)}`);
  let probe: ProbeOutput;
  try {
    probe = JSON.parse(result.stdout) as ProbeOutput;
  } catch {
    throw new Error('ffprobe gave no readable description of the file');
  }
  const streams = probe.streams ?? [];
  const format = probe.format?.format_name ?? '';
  const video = streams.find(
    (stream) => stream.codec_type === 'video' && !stream.disposition?.attached_pic && (stream.width ?? 0) > 0,
  );
  const audio = streams.find((stream) => stream.codec_type === 'audio' && (stream.channels ?? 0) > 0);
  const durationMs = milliseconds(probe.format?.duration ?? video?.duration ?? audio?.duration);
  if (video && (imageFormats.test(format) || durationMs === undefined)) {
    return { kind: 'image', width: video.width as number, height: video.height as number };
  }
  if (video) {
    return { kind: 'video', durationMs, width: video.width as number, height: video.height as number };
  }
  if (audio && durationMs !== undefined) return { kind: 'audio', durationMs };
  throw new Error('the file holds no picture or sound ffmpeg can read');
}

function milliseconds(seconds: string | undefined): number | undefined {
  const value = Number(seconds);
  return seconds !== undefined && Number.isFinite(value) && value > 0 ? Math.round(value * 1000) : undefined;
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)?.trim() || 'no reason given';
}

interface Captured {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a short command (no shell) and collects its output; killed when it outlives `timeoutMs`. */
function capture(command: string, args: string[], timeoutMs: number): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal) reject(new Error(`${command} was stopped (${signal})`));
      else
        resolve({ code, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() });
    });
  });
}
