import { describe, expect, it } from 'vitest';
import { assertUploadable, mediaKind, uploadName } from '../../src/nemo/formats.ts';

describe('media formats', () => {
  it('knows each documented format by extension, case-insensitively', () => {
    for (const name of ['a.mp4', 'a.MOV', 'a.avi', 'a.webm', 'a.mkv']) expect(mediaKind(name)).toBe('video');
    for (const name of ['a.jpg', 'a.JPEG', 'a.png', 'a.gif', 'a.webp', 'a.heic'])
      expect(mediaKind(name)).toBe('image');
    for (const name of ['a.mp3', 'a.wav', 'a.m4a', 'a.aac']) expect(mediaKind(name)).toBe('audio');
    expect(mediaKind('setup.exe')).toBeUndefined();
  });

  it('falls back to the MIME type when the name has no extension', () => {
    expect(mediaKind('voice', 'audio/mpeg')).toBe('audio');
    expect(mediaKind('photo', 'image/jpeg; charset=binary')).toBe('image');
    expect(uploadName('photo', 'image/jpeg')).toBe('photo.jpg');
    expect(uploadName('clip.mp4', 'video/quicktime')).toBe('clip.mp4');
  });

  it('refuses unsupported, empty and oversize files with their keys', () => {
    expect(() => assertUploadable({ name: 'tool.exe', size: 10 }, 100)).toThrow(
      expect.objectContaining({ key: 'unsupported_file' }),
    );
    expect(() => assertUploadable({ name: 'a.png', size: 0 }, 100)).toThrow(
      expect.objectContaining({ key: 'empty_file' }),
    );
    expect(() => assertUploadable({ name: 'a.png', size: 101 }, 100)).toThrow(
      expect.objectContaining({ key: 'file_too_large' }),
    );
    expect(assertUploadable({ name: 'a.png', size: 100 }, 100)).toBe('image');
    expect(assertUploadable({ name: 'a.png' }, 100)).toBe('image');
  });
});
