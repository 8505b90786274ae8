/**
 * The Bot API clients and how their failures read.
 *
 * Two clients share one token and API root. `bot.api` sends messages and files and honours a
 * 429's `retry_after` (auto-retry plugin): a reply is worth waiting for. `statusApi` edits status
 * messages and never waits: a skipped progress edit is better than a job blocked behind it, so
 * the status code handles 429s itself.
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { Api, Bot, GrammyError, HttpError, type Transformer } from 'grammy';
import type { Logger } from '../../src/log.ts';

export interface TelegramClients {
  bot: Bot;
  statusApi: Api;
}

/** Longest 429 pause a send waits out; a longer one fails the send instead of stalling the job. */
const maxRetryDelaySeconds = 60;

export function createClients(token: string, apiRoot: string, logger: Logger): TelegramClients {
  const bot = new Bot(token, { client: { apiRoot } });
  bot.api.config.use(
    logFailures(logger),
    // Network failures are not retried here (`rethrowHttpErrors`): the plugin would retry them
    // without end, while the core turns a failed send into an answer or a log line.
    autoRetry({ maxDelaySeconds: maxRetryDelaySeconds, maxRetryAttempts: 3, rethrowHttpErrors: true }),
  );
  const statusApi = new Api(token, { apiRoot });
  statusApi.config.use(logFailures(logger));
  return { bot, statusApi };
}

/**
 * Logs every refused or failed call with its method and Telegram's words only: never the payload
 * (people's text) and never the request URL (it holds the token).
 */
function logFailures(logger: Logger): Transformer {
  return async (prev, method, payload, signal) => {
    try {
      const result = await prev(method, payload, signal);
      if (!result.ok) {
        logger.debug('Bot API refused a call', {
          method,
          code: result.error_code,
          description: result.description,
          retryAfter: result.parameters?.retry_after,
        });
      }
      return result;
    } catch (error) {
      // An aborted long poll is how polling stops, not a failure.
      if (!signal?.aborted) logger.warn('Bot API call failed', { method, ...describeFailure(error) });
      throw error;
    }
  };
}

/** Loggable facts about a failed call, without payloads, URLs or nested transport errors. */
export function describeFailure(error: unknown): Record<string, unknown> {
  if (error instanceof GrammyError) {
    return { method: error.method, code: error.error_code, description: error.description };
  }
  if (error instanceof HttpError) return { error: error.message };
  if (error instanceof Error) return { error: `${error.name}: ${error.message}` };
  return { error: String(error) };
}

function description(error: unknown): string {
  return error instanceof GrammyError ? error.description.toLowerCase() : '';
}

/** The edit would change nothing: the message already reads that way. Not a failure. */
export function isNotModified(error: unknown): boolean {
  return description(error).includes('message is not modified');
}

/** Seconds Telegram asks us to wait (429), if that is what it said. */
export function retryAfterSeconds(error: unknown): number | undefined {
  if (!(error instanceof GrammyError) || error.error_code !== 429) return undefined;
  return error.parameters.retry_after ?? 1;
}

/** An upload or download over the Bot API's size limits. */
export function isTooLarge(error: unknown): boolean {
  return (
    (error instanceof GrammyError && error.error_code === 413) ||
    /too big|too large|entity too large/.test(description(error))
  );
}
