/**
 * Discord errors: what kind of refusal an error is, and a form of it that is safe to log.
 *
 * discord.js puts the request URL into its errors, and interaction and webhook URLs carry the
 * interaction token (a credential for 15 minutes), so errors are logged through `loggable`.
 */
import { DiscordAPIError, RESTJSONErrorCodes } from 'discord.js';

/** Discord refused for lack of a permission or of access to the channel. */
export function isPermissionError(error: unknown): error is DiscordAPIError {
  return (
    error instanceof DiscordAPIError &&
    (error.code === RESTJSONErrorCodes.MissingPermissions || error.code === RESTJSONErrorCodes.MissingAccess)
  );
}

/** The upload was larger than the channel takes. */
export function isTooLarge(error: unknown): boolean {
  return (
    error instanceof DiscordAPIError &&
    (error.status === 413 || error.code === RESTJSONErrorCodes.RequestEntityTooLarge)
  );
}

/** `/webhooks/<app>/<token>/…` and `/interactions/<id>/<token>/…` with the token masked. */
export function withoutTokens(text: string): string {
  return text.replace(/\/(webhooks|interactions)\/(\d+)\/[^/?\s"]+/g, '/$1/$2/[token]');
}

/** The error's facts without the request body (user text) or tokens. */
export function loggable(error: unknown): unknown {
  if (error instanceof DiscordAPIError) {
    return {
      name: error.name,
      message: withoutTokens(error.message),
      code: error.code,
      status: error.status,
      method: error.method,
      url: withoutTokens(error.url),
    };
  }
  if (error instanceof Error) {
    return { name: error.name, message: withoutTokens(error.message) };
  }
  return withoutTokens(String(error));
}

/**
 * The error to hand to the core, which logs what it is given: a Discord refusal is reduced to
 * its facts, so neither the request body nor the interaction token reach the log.
 */
export function safeError(error: unknown): unknown {
  if (!(error instanceof DiscordAPIError)) return error;
  const safe = new Error(
    `Discord refused ${error.method} ${withoutTokens(new URL(error.url).pathname)}: ${error.message} (code ${error.code}, HTTP ${error.status})`,
  );
  safe.name = 'DiscordAPIError';
  return safe;
}

/** Runs `work`, handing any Discord refusal on as `safeError`. */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw safeError(error);
  }
}
