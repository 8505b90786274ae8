/**
 * Structured logging: one JSON object per line on stderr.
 *
 * Secrets are scrubbed from the finished line rather than from chosen fields, so a token cannot
 * leak through an error message, a URL or a nested object that nobody thought to redact.
 * Known secret values are registered at start-up; token-shaped strings are masked regardless.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** Token shapes masked even when the value was never registered. */
const secretPatterns: RegExp[] = [
  /nmv_[A-Za-z0-9_-]{6,}/g, // NemoVideo tokens
  /clm_[A-Za-z0-9_-]{6,}/g, // claim tokens are bearer secrets too
  /\/bot\d+:[A-Za-z0-9_-]{20,}/g, // Telegram bot token inside a Bot API or file URL
  /Bearer\s+[A-Za-z0-9._~+/=-]{8,}/g,
];

const knownSecrets = new Set<string>();

/** Registers a secret value (a bot token, an API token) to be masked in every log line. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6) knownSecrets.add(value);
}

export function redact(text: string): string {
  let result = text;
  for (const secret of knownSecrets) result = result.split(secret).join('[redacted]');
  for (const pattern of secretPatterns) result = result.replace(pattern, '[redacted]');
  return result;
}

function serializeError(error: Error): LogFields {
  const fields: LogFields = { name: error.name, message: error.message };
  for (const [key, value] of Object.entries(error)) fields[key] = value;
  if (error.cause instanceof Error) fields.cause = serializeError(error.cause);
  return fields;
}

function toJsonLine(record: LogFields): string {
  return JSON.stringify(record, (_key, value) => {
    if (value instanceof Error) return serializeError(value);
    if (typeof value === 'bigint') return value.toString();
    return value;
  });
}

export interface LoggerOptions {
  level?: LogLevel;
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions = {}, bound: LogFields = {}): Logger {
  const threshold = rank[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const emit = (level: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields) => {
    if (rank[level] < threshold) return;
    write(redact(toJsonLine({ time: new Date().toISOString(), level, msg: message, ...bound, ...fields })));
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

/** A logger that drops everything: the default for library code when no logger is given. */
export const silentLogger: Logger = createLogger({ level: 'silent' });
