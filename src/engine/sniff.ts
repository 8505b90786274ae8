/**
 * What an uploaded file really is, from its first bytes. The name a person (or a URL) gives a
 * file decides nothing: a `.jpg` that is an executable is refused.
 */
export type SniffedKind = 'image' | 'video' | 'audio';

export interface Sniffed {
  kind: SniffedKind;
  /** The extension the engine stores it under (the format, not the person's name). */
  format: string;
}

/** Enough bytes for every signature below. */
export const sniffLength = 16;

function ascii(bytes: Buffer, start: number, end: number): string {
  return bytes.toString('latin1', start, end);
}

/** ISO base media files (MP4, MOV, M4A, HEIC) share `ftyp`; the brand tells them apart. */
function isoBrand(bytes: Buffer): Sniffed | undefined {
  if (ascii(bytes, 4, 8) !== 'ftyp') return undefined;
  const brand = ascii(bytes, 8, 12);
  if (/^(heic|heix|hevc|mif1|msf1)$/.test(brand)) return { kind: 'image', format: 'heic' };
  if (/^M4A |^M4B /.test(brand)) return { kind: 'audio', format: 'm4a' };
  if (brand === 'qt  ') return { kind: 'video', format: 'mov' };
  return { kind: 'video', format: 'mp4' };
}

export function sniff(bytes: Buffer): Sniffed | undefined {
  if (bytes.length < 4) return undefined;
  const [b0, b1, b2] = [bytes[0] ?? 0, bytes[1] ?? 0, bytes[2] ?? 0];
  if (b0 === 0xff && b1 === 0xd8 && b2 === 0xff) return { kind: 'image', format: 'jpg' };
  if (ascii(bytes, 0, 8) === '\x89PNG\r\n\x1a\n') return { kind: 'image', format: 'png' };
  if (/^GIF8[79]a/.test(ascii(bytes, 0, 6))) return { kind: 'image', format: 'gif' };
  if (ascii(bytes, 0, 4) === 'RIFF') {
    const form = ascii(bytes, 8, 12);
    if (form === 'WEBP') return { kind: 'image', format: 'webp' };
    if (form === 'WAVE') return { kind: 'audio', format: 'wav' };
    if (form === 'AVI ') return { kind: 'video', format: 'avi' };
    return undefined;
  }
  if (b0 === 0x1a && b1 === 0x45 && b2 === 0xdf && bytes[3] === 0xa3) return { kind: 'video', format: 'mkv' };
  const iso = isoBrand(bytes);
  if (iso) return iso;
  if (ascii(bytes, 0, 3) === 'ID3') return { kind: 'audio', format: 'mp3' };
  if (b0 === 0xff && (b1 & 0xe0) === 0xe0) {
    // Frame sync: layer bits 00 are AAC in ADTS framing, anything else an MPEG audio frame.
    return (b1 & 0x06) === 0 ? { kind: 'audio', format: 'aac' } : { kind: 'audio', format: 'mp3' };
  }
  return undefined;
}
