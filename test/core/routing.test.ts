import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../commands/index.ts';
import { routeText } from '../../src/core/routing.ts';

describe('routing free text', () => {
  it.each([
    ['export', 'export'],
    ['Export it please', 'export'],
    ['send me the video', 'export'],
    ['导出', 'export'],
    ['download', 'export'],
    ['credits', 'credits'],
    ['积分', 'credits'],
    ['what is my balance?', 'credits'],
    ['余额', 'credits'],
    ['status', 'status'],
    ['状态', 'status'],
    ['show tracks', 'status'],
    ['upload', 'upload'],
    ['上传', 'upload'],
    ['make the title bigger', 'chat'],
    ['add lo-fi background music', 'chat'],
    ['make the intro shorter and then export the final video for me', 'chat'],
    ['把这三张照片做成一个三十秒的带音乐和转场的宣传视频然后导出', 'chat'],
  ])('%s → %s', (text, intent) => {
    expect(routeText(text)).toBe(intent);
  });
});

describe('parsing typed commands', () => {
  it('reads the name and the rest', () => {
    expect(parseCommandLine('/edit make the title bigger')).toEqual({
      name: 'edit',
      rest: 'make the title bigger',
    });
    expect(parseCommandLine('/export@NemoVideoBot')).toEqual({ name: 'export', rest: '' });
    expect(parseCommandLine('  /video  a promo\nwith music ')).toEqual({
      name: 'video',
      rest: 'a promo\nwith music',
    });
    expect(parseCommandLine('make it /better')).toBeUndefined();
    expect(parseCommandLine('/')).toBeUndefined();
  });
});
