/**
 * Phone photos are often stored sideways with an EXIF Orientation tag saying how to turn them;
 * ffmpeg 5.1 ignores it for JPEG (newer ffmpeg applies it, so stills are read with -noautorotate
 * and turned here, once, the same way everywhere).
 */
import { open } from 'node:fs/promises';

/** EXIF orientation (1–8) → the filters that show the photo upright. */
const turns: Record<number, string[]> = {
  2: ['hflip'],
  3: ['hflip', 'vflip'],
  4: ['vflip'],
  5: ['transpose=dir=cclock_flip'],
  6: ['transpose=dir=clock'],
  7: ['transpose=dir=clock_flip'],
  8: ['transpose=dir=cclock'],
};

/** The filters that turn the photo at `path` upright; none for other formats or upright photos. */
export async function uprightFilters(path: string): Promise<string[]> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(128 * 1024);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    return turns[jpegOrientation(head.subarray(0, bytesRead))] ?? [];
  } finally {
    await file.close();
  }
}

/** The Orientation tag of a JPEG's EXIF block (1 when there is none, or the bytes are not a JPEG). */
export function jpegOrientation(bytes: Buffer): number {
  if (bytes.length < 4 || bytes.readUInt16BE(0) !== 0xffd8) return 1;
  let offset = 2;
  while (offset + 4 <= bytes.length && bytes[offset] === 0xff) {
    const marker = bytes[offset + 1] ?? 0;
    const length = bytes.readUInt16BE(offset + 2);
    // Start of scan: no more metadata before the image data.
    if (marker === 0xda) break;
    if (marker === 0xe1 && bytes.toString('latin1', offset + 4, offset + 10) === 'Exif\0\0') {
      return exifOrientation(bytes.subarray(offset + 10, offset + 2 + length));
    }
    offset += 2 + length;
  }
  return 1;
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
