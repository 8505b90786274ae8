/**
 * What a photo's first bytes say: its size (JPEG, PNG) and, for JPEG, the EXIF Orientation tag.
 * Phone photos are often stored sideways with that tag saying how to turn them; ffmpeg 5.1
 * ignores it for JPEG (newer ffmpeg applies it, so stills are read with -noautorotate and turned
 * here, once, the same way everywhere). The size lets a photo that covers the frame skip the
 * blurred backdrop.
 */
import { open } from 'node:fs/promises';

export interface PhotoInfo {
  /** EXIF orientation, 1–8 (1: upright). */
  orientation: number;
  /** Upright size, when the header says. */
  width?: number;
  height?: number;
}

/** EXIF orientation → the filters that show the photo upright. */
const turns: Record<number, string[]> = {
  2: ['hflip'],
  3: ['hflip', 'vflip'],
  4: ['vflip'],
  5: ['transpose=dir=cclock_flip'],
  6: ['transpose=dir=clock'],
  7: ['transpose=dir=clock_flip'],
  8: ['transpose=dir=cclock'],
};

export function uprightFilters(orientation: number): string[] {
  return turns[orientation] ?? [];
}

export async function photoInfo(path: string): Promise<PhotoInfo> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(256 * 1024);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    return headerInfo(head.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}

export function headerInfo(bytes: Buffer): PhotoInfo {
  if (bytes.length >= 24 && bytes.toString('latin1', 0, 8) === '\x89PNG\r\n\x1a\n') {
    return { orientation: 1, width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length < 4 || bytes.readUInt16BE(0) !== 0xffd8) return { orientation: 1 };
  let orientation = 1;
  let offset = 2;
  while (offset + 4 <= bytes.length && bytes[offset] === 0xff) {
    const marker = bytes[offset + 1] ?? 0;
    const length = bytes.readUInt16BE(offset + 2);
    if (marker === 0xe1 && bytes.toString('latin1', offset + 4, offset + 10) === 'Exif\0\0') {
      orientation = exifOrientation(bytes.subarray(offset + 10, offset + 2 + length));
    }
    // A start-of-frame marker (not DHT, JPG or DAC) holds the size; the image data follows.
    if (
      marker >= 0xc0 &&
      marker <= 0xcf &&
      ![0xc4, 0xc8, 0xcc].includes(marker) &&
      offset + 9 <= bytes.length
    ) {
      const height = bytes.readUInt16BE(offset + 5);
      const width = bytes.readUInt16BE(offset + 7);
      const sideways = orientation >= 5;
      return { orientation, width: sideways ? height : width, height: sideways ? width : height };
    }
    if (marker === 0xda) break;
    offset += 2 + length;
  }
  return { orientation };
}

/** The Orientation tag of a JPEG (1 when there is none, or the bytes are not a JPEG). */
export function jpegOrientation(bytes: Buffer): number {
  return headerInfo(bytes).orientation;
}

function exifOrientation(tiff: Buffer): number {
  if (tiff.length < 8) return 1;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return 1;
  const little = order === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const directory = u32(4);
  if (directory + 2 > tiff.length) return 1;
  const entries = u16(directory);
  for (let index = 0; index < entries; index++) {
    const entry = directory + 2 + index * 12;
    if (entry + 12 > tiff.length) break;
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}
