import { describe, expect, it } from 'vitest';
import { createLogger, registerSecret } from '../../src/log.ts';

function capture(level: 'debug' | 'info' = 'debug') {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level, write: (line) => lines.push(line) }) };
}

describe('logger', () => {
  it('writes one JSON object per line with bound fields', () => {
    const { lines, logger } = capture();
    logger.child({ channel: 'telegram:1' }).info('turn received', { files: 2 });
    const record = JSON.parse(lines[0] ?? '');
    expect(record).toMatchObject({ level: 'info', msg: 'turn received', channel: 'telegram:1', files: 2 });
    expect(Date.parse(record.time)).not.toBeNaN();
  });

  it('drops records below its level', () => {
    const { lines, logger } = capture('info');
    logger.debug('noise');
    logger.warn('kept');
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['kept']);
  });

  it('masks registered secrets wherever they appear, including inside errors', () => {
    const secret = 'discord-secret-value-0123456789';
    registerSecret(secret);
    const { lines, logger } = capture();
    logger.error('request failed', { error: new Error(`401 for ${secret}`), nested: { deep: [secret] } });
    expect(lines[0]).not.toContain(secret);
    expect(lines[0]).toContain('[redacted]');
  });

  it('masks token shapes it was never told about', () => {
    const { lines, logger } = capture();
    logger.info('fetch', {
      url: 'https://api.telegram.org/file/bot123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/photos/file_1.jpg',
      header: 'Bearer abcdefghijklmnop',
      token: 'nmv_usr_0123456789abcdef',
      claim: 'https://nemovideo.com/workspace/claim?ct=clm_abcdef123456',
    });
    for (const leaked of [
      'AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
      'abcdefghijklmnop',
      'nmv_usr_0123',
      'clm_abcdef',
    ]) {
      expect(lines[0]).not.toContain(leaked);
    }
  });
});
