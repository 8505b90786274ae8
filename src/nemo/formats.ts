/**
 * The media NemoVideo accepts, checked before any byte moves: refusing a file locally is instant
 * and costs nothing, refusing it after a 400 MB transfer wastes minutes.
 */
import { extname } from 'node:path';
import { NemoError } from './errors.ts';

export type MediaKind = 'image' | 'video' | 'audio';

export const supportedExtensions: Record<MediaKind, readonly string[]> = {
  video: ['mp4', 'mov', 'avi', 'webm', 'mkv'],
  image: ['jpg', 'jpeg', 'png', 'gif', 'webp', 'heic'],
  audio: ['mp3', 'wav', 'm4a', 'aac'],
};

const kindByExtension = new Map<string, MediaKind>(
  Object.entries(supportedExtensions).flatMap(([kind, extensions]) =>
    extensions.map((extension) => [extension, kind as MediaKind] as const),
  ),
);

/** MIME types that chat platforms report for the supported formats. */
const extensionByMime: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/x-msvideo': 'avi',
  'video/webm': 'webm',
  'video/x-matroska': 'mkv',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/aac': 'aac',
};

function extensionOf(name: string): string {
  return extname(name).slice(1).toLowerCase();
}

/** The media kind of a file from its name, falling back to its MIME type; undefined when unsupported. */
export function mediaKind(name: string, mimeType?: string): MediaKind | undefined {
  const byName = kindByExtension.get(extensionOf(name));
  if (byName) return byName;
  const byMime = mimeType ? extensionByMime[mimeType.toLowerCase().split(';')[0]?.trim() ?? ''] : undefined;
  return byMime ? kindByExtension.get(byMime) : undefined;
}

/**
 * A name the backend will recognise: keeps the user's name, and adds the extension implied by the
 * MIME type when the name has none (Telegram voice notes and photos often arrive that way).
 */
export function uploadName(name: string, mimeType?: string): string {
  if (kindByExtension.has(extensionOf(name))) return name;
  const extension = mimeType
    ? extensionByMime[mimeType.toLowerCase().split(';')[0]?.trim() ?? '']
    : undefined;
  return extension ? `${name}.${extension}` : name;
}

export function formatList(): string {
  return Object.values(supportedExtensions)
    .map((extensions) => extensions.join(', '))
    .join('; ');
}

export interface FileFacts {
  name: string;
  mimeType?: string | undefined;
  size?: number | undefined;
}

/** Throws `unsupported_file` or `file_too_large` for a file NemoVideo would refuse. */
export function assertUploadable(file: FileFacts, maxBytes: number): MediaKind {
  const kind = mediaKind(file.name, file.mimeType);
  if (!kind) {
    throw new NemoError(`unsupported file type: ${extensionOf(file.name) || file.mimeType || 'unknown'}`, {
      key: 'unsupported_file',
    });
  }
  if (file.size !== undefined && file.size > maxBytes) {
    throw new NemoError(`file of ${file.size} bytes is over the ${maxBytes}-byte limit`, {
      key: 'file_too_large',
    });
  }
  if (file.size === 0) {
    throw new NemoError('empty file', { key: 'empty_file' });
  }
  return kind;
}
