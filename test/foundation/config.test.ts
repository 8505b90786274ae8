import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.ts';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('has working defaults for an empty environment', () => {
    const config = parseConfig({}, '1.2.3');
    expect(config.nemo.apiUrl).toBe('https://mega-api-prod.nemovideo.ai');
    expect(config.nemo.webUrl).toBe('https://nemovideo.com');
    expect(config.nemo.token).toBeUndefined();
    expect(config.nemo.attribution).toEqual({
      source: 'nemovideo-bot',
      version: '1.2.3',
      platform: undefined,
    });
    expect(config.nemo.uploadMaxBytes).toBe(500 * 1024 * 1024);
    expect(config.nemo.renderPollIntervalMs).toBe(10_000);
    expect(config.nemo.renderTimeoutMs).toBe(600_000);
    expect(config.nemo.chatTimeoutMs).toBe(15 * 60_000);
    expect(config.nemo.chatIdleTimeoutMs).toBe(10 * 60_000);
    expect(config.storeUrl).toBe('sqlite://data/bot.sqlite');
    expect(config.telegram).toBeUndefined();
    expect(config.discord).toBeUndefined();
  });

  it('treats empty variables as unset, as a copied .env.example leaves them', () => {
    const config = parseConfig({ NEMO_TOKEN: '', UPLOAD_MAX_MB: '', TELEGRAM_BOT_TOKEN: '' });
    expect(config.nemo.token).toBeUndefined();
    expect(config.nemo.uploadMaxBytes).toBe(500 * 1024 * 1024);
  });

  it('reads every documented variable', () => {
    const config = parseConfig({
      NEMO_API_URL: 'http://127.0.0.1:9000/',
      NEMO_TOKEN: 'nmv_usr_abcdef123',
      NEMO_CLIENT_ID: '3b241101-e2bb-4255-8caf-4136c566a962',
      NEMO_SKILL_PLATFORM: 'custom',
      UPLOAD_MAX_MB: '200',
      RENDER_POLL_INTERVAL_SECONDS: '30',
      ALLOWED_USERS: 'telegram:1, discord:2 ,',
      TELEGRAM_BOT_TOKEN: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      DISCORD_TOKEN: 'x'.repeat(40),
      DISCORD_APPLICATION_ID: '123456789012345678',
      STORE_URL: 'redis://127.0.0.1:6379',
    });
    expect(config.nemo.apiUrl).toBe('http://127.0.0.1:9000');
    expect(config.nemo.token).toBe('nmv_usr_abcdef123');
    expect(config.nemo.attribution.platform).toBe('custom');
    expect(config.nemo.uploadMaxBytes).toBe(200 * 1024 * 1024);
    expect(config.nemo.renderPollIntervalMs).toBe(30_000);
    expect(config.access.allowedUsers).toEqual(['telegram:1', 'discord:2']);
    expect(config.telegram).toEqual({
      token: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      apiRoot: 'https://api.telegram.org',
    });
    expect(config.discord?.applicationId).toBe('123456789012345678');
    expect(config.storeUrl).toBe('redis://127.0.0.1:6379');
  });

  it('names every bad variable on its own line', () => {
    const problems = problemsOf({
      NEMO_API_URL: 'not a url',
      NEMO_TOKEN: 'secret-without-prefix',
      NEMO_CLIENT_ID: 'abc',
      UPLOAD_MAX_MB: 'lots',
      STORE_URL: 'mysql://db',
      DISCORD_TOKEN: 'x'.repeat(40),
    });
    expect(problems.map((line) => line.split(':')[0])).toEqual([
      'NEMO_API_URL',
      'NEMO_TOKEN',
      'NEMO_CLIENT_ID',
      'STORE_URL',
      'UPLOAD_MAX_MB',
      'DISCORD_APPLICATION_ID',
    ]);
    expect(problems.join('\n')).not.toContain('secret-without-prefix');
  });
});
