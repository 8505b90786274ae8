/**
 * Webhook mode, for admins who prefer Telegram to push updates: a small HTTP server on
 * TELEGRAM_WEBHOOK_PORT (usually behind a TLS reverse proxy) answers POSTs on the webhook URL's
 * path, and only those carrying the secret token registered with setWebhook.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { type Bot, webhookCallback } from 'grammy';
import { type Logger, registerSecret } from '../../src/log.ts';
import { describeFailure } from './api.ts';
import { allowedUpdates, type Transport } from './polling.ts';

export interface WebhookOptions {
  url: string;
  port: number;
  /** Sent by Telegram with every update; a random one per start when not configured. */
  secret: string | undefined;
}

export async function startWebhook(bot: Bot, options: WebhookOptions, logger: Logger): Promise<Transport> {
  const secret = options.secret ?? randomBytes(32).toString('base64url');
  registerSecret(secret);
  const path = new URL(options.url).pathname;
  // Handlers return as soon as a turn has begun, but a first word can wait out a 429: answer
  // Telegram anyway after a while rather than have it send the update again.
  const handle = webhookCallback(bot, 'http', {
    secretToken: secret,
    onTimeout: 'return',
    timeoutMilliseconds: 9_000,
  });
  const server = createServer((req, res) => {
    const target = new URL(req.url ?? '/', 'http://webhook');
    if (req.method !== 'POST' || target.pathname !== path) {
      res.writeHead(404).end();
      return;
    }
    handle(req, res).catch((error: unknown) => {
      logger.warn('webhook update failed', describeFailure(error));
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.listen(options.port);
  await once(server, 'listening');
  await bot.api.setWebhook(options.url, { secret_token: secret, allowed_updates: allowedUpdates });
  logger.info('webhook listening', { port: options.port, path });
  return {
    async stop() {
      // The webhook stays registered: Telegram keeps updates until the bot is back.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
    },
  };
}
