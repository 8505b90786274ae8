import { describe, expect, it } from 'vitest';
import { sniff } from '../../src/engine/sniff.ts';

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(
    parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))),
  );
const iso = (brand: string) => bytes([0, 0, 0, 0x20], 'ftyp', brand, [0, 0, 0, 0]);

describe('identifying uploads by their first bytes', () => {
  it.each([
    ['jpeg', bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF'), { kind: 'image', format: 'jpg' }],
    ['png', bytes('\x89PNG\r\n\x1a\n', [0, 0, 0, 13]), { kind: 'image', format: 'png' }],
    ['gif', bytes('GIF89a', [1, 0, 1, 0]), { kind: 'image', format: 'gif' }],
    ['webp', bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), { kind: 'image', format: 'webp' }],
    ['heic', iso('heic'), { kind: 'image', format: 'heic' }],
    ['mp4', iso('isom'), { kind: 'video', format: 'mp4' }],
    ['mov', iso('qt  '), { kind: 'video', format: 'mov' }],
    ['m4a', iso('M4A '), { kind: 'audio', format: 'm4a' }],
    ['avi', bytes('RIFF', [0, 0, 0, 0], 'AVI LIST'), { kind: 'video', format: 'avi' }],
    ['wav', bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '), { kind: 'audio', format: 'wav' }],
    ['mkv/webm', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f]), { kind: 'video', format: 'mkv' }],
    ['mp3 with ID3', bytes('ID3', [4, 0, 0, 0]), { kind: 'audio', format: 'mp3' }],
    ['mp3 frame', bytes([0xff, 0xfb, 0x90, 0x64]), { kind: 'audio', format: 'mp3' }],
    ['aac adts', bytes([0xff, 0xf1, 0x50, 0x80]), { kind: 'audio', format: 'aac' }],
  ])('%s', (_name, head, expected) => {
    expect(sniff(head)).toEqual(expected);
  });

  it.each([
    ['a Windows executable', bytes('MZ', [0x90, 0, 3, 0])],
    ['an ELF binary', bytes('\x7fELF', [2, 1, 1, 0])],
    ['a shell script', bytes('#!/bin/sh\nrm -rf /')],
    ['a PDF', bytes('%PDF-1.7\n')],
    ['a RIFF of another kind', bytes('RIFF', [0, 0, 0, 0], 'CDDA')],
    ['too few bytes', bytes([0xff, 0xd8])],
  ])('refuses %s', (_name, head) => {
    expect(sniff(head)).toBeUndefined();
  });
});
