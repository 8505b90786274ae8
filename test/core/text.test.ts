import { describe, expect, it } from 'vitest';
import { splitMessage } from '../../src/core/text.ts';

const hasLoneSurrogate = (text: string) =>
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

describe('splitMessage', () => {
  it('gives nothing for empty or blank text, and one trimmed piece for short text', () => {
    expect(splitMessage('', 10)).toEqual([]);
    expect(splitMessage(' \n\t\n ', 10)).toEqual([]);
    expect(splitMessage('  hello  ', 10)).toEqual(['hello']);
  });

  it('keeps a text of exactly the limit whole', () => {
    expect(splitMessage('0123456789', 10)).toEqual(['0123456789']);
    expect(splitMessage('012345678901', 10)).toEqual(['0123456789', '01']);
  });

  it('prefers a blank line, then a line break, then a sentence end, then a space', () => {
    expect(splitMessage('First part.\nstill first\n\nSecond part.', 30)).toEqual([
      'First part.\nstill first',
      'Second part.',
    ]);
    expect(splitMessage('One line. more words\nAnother line', 24)).toEqual([
      'One line. more words',
      'Another line',
    ]);
    expect(splitMessage('A sentence here. And some more words', 30)).toEqual([
      'A sentence here.',
      'And some more words',
    ]);
    expect(splitMessage('several plain words without any stop', 20)).toEqual([
      'several plain words',
      'without any stop',
    ]);
  });

  it('does not cut a stub at an early break when a later lesser one exists', () => {
    expect(splitMessage('Hi\n\nthis paragraph runs on and on', 20)).toEqual([
      'Hi\n\nthis paragraph',
      'runs on and on',
    ]);
  });

  it('cuts inside a word only when the word alone is too long', () => {
    expect(splitMessage('a'.repeat(25), 10)).toEqual(['a'.repeat(10), 'a'.repeat(10), 'a'.repeat(5)]);
    expect(splitMessage(`see ${'x'.repeat(12)}`, 10)).toEqual(['see', 'x'.repeat(10), 'xx']);
  });

  it('counts UTF-16 code units and never splits an emoji', () => {
    expect(splitMessage('aaaaaaaaa😀', 10)).toEqual(['aaaaaaaaa', '😀']);
    expect(splitMessage('aaaaaaaa😀', 10)).toEqual(['aaaaaaaa😀']);
    const family = '👨‍👩‍👧';
    expect(splitMessage(`abcd${family}`, 10)).toEqual(['abcd', family]);
    // A single grapheme longer than the limit still keeps its surrogate pairs whole.
    for (const piece of splitMessage(family, 3)) {
      expect(piece.length).toBeLessThanOrEqual(3);
      expect(hasLoneSurrogate(piece)).toBe(false);
    }
  });

  it('breaks Chinese text at sentence ends, or cuts it when it has none', () => {
    expect(splitMessage('这是第一句话。这是第二句话。这是第三句话。', 15)).toEqual([
      '这是第一句话。这是第二句话。',
      '这是第三句话。',
    ]);
    expect(splitMessage('一二三四五六七八九十一二', 5)).toEqual(['一二三四五', '六七八九十', '一二']);
  });

  it('keeps every piece within the limit, whole and in order', () => {
    const text = Array.from({ length: 200 }, (_, i) =>
      i % 7 === 0 ? '\n\n' : i % 5 === 0 ? '🎬 Scene. ' : `word${i}${'😀'.repeat(i % 3)} `,
    ).join('');
    for (const limit of [2, 7, 16, 100]) {
      const pieces = splitMessage(text, limit);
      for (const piece of pieces) {
        expect(piece.length).toBeLessThanOrEqual(limit);
        expect(piece).toBe(piece.trim());
        expect(hasLoneSurrogate(piece)).toBe(false);
      }
      expect(pieces.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
    }
  });

  it('takes an unbounded limit, and refuses one that cannot hold a character', () => {
    expect(splitMessage('no limit at all', Number.POSITIVE_INFINITY)).toEqual(['no limit at all']);
    expect(splitMessage('0123456789', 5.9)).toEqual(['01234', '56789']);
    expect(() => splitMessage('text', 1)).toThrow(RangeError);
    expect(() => splitMessage('text', Number.NaN)).toThrow(RangeError);
  });
});
