/**
 * Configuration: one zod schema over the environment, checked once at start-up.
 *
 * Every variable is documented in `.env.example`. A bad or missing value becomes one line naming
 * the variable, so an admin can fix all problems in one pass instead of one per restart.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';

const seconds = (fallback: number) => z.coerce.number().positive().default(fallback);
const minutes = seconds;
const idList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
  );

const envSchema = z.object({
  NEMO_API_URL: z
    .union([z.literal('local'), z.url({ protocol: /^https?$/ })], {
      error: 'must be an http(s) URL or "local"',
    })
    .default('https://mega-api-prod.nemovideo.ai'),
  NEMO_WEB_URL: z.url({ protocol: /^https?$/ }).default('https://nemovideo.com'),
  NEMO_TOKEN: z.string().startsWith('nmv_', 'must be a NemoVideo token (nmv_…)').optional(),
  NEMO_CLIENT_ID: z.uuid('must be a UUID').optional(),
  NEMO_SKILL_SOURCE: z.string().min(1).default('nemovideo-bot'),
  NEMO_SKILL_VERSION: z.string().min(1).optional(),
  NEMO_SKILL_PLATFORM: z.string().min(1).optional(),
  STORE_URL: z
    .string()
    .regex(
      /^(sqlite|redis|rediss|postgres|postgresql):\/\//,
      'must start with sqlite://, redis:// or postgres://',
    )
    .default('sqlite://data/bot.sqlite'),
  STORE_LEASE_SECONDS: seconds(30),
  UPLOAD_MAX_MB: z.coerce.number().positive().default(500),
  RATE_LIMIT_WAIT_SECONDS: seconds(30),
  CHAT_TIMEOUT_MINUTES: minutes(15),
  CHAT_IDLE_TIMEOUT_MINUTES: minutes(10),
  REQUEST_TIMEOUT_SECONDS: seconds(60),
  RENDER_POLL_INTERVAL_SECONDS: seconds(10),
  RENDER_TIMEOUT_MINUTES: minutes(10),
  PROGRESS_INTERVAL_SECONDS: seconds(10),
  RECOVERY_FIRST_CHECK_SECONDS: seconds(30),
  RECOVERY_INTERVAL_SECONDS: seconds(60),
  RECOVERY_CHECKS: z.coerce.number().int().positive().default(5),
  ALLOWED_USERS: idList,
  ALLOWED_CHATS: idList,
  ADMIN_USERS: idList,
  // `/Export` and `export` name the same command; a list that never matches would protect nothing.
  ADMIN_COMMANDS: idList.transform((names) => names.map((name) => name.replace(/^\//, '').toLowerCase())),
  DAILY_REQUEST_LIMIT: z.coerce.number().int().nonnegative().default(0),
  MAX_CONCURRENT_OPERATIONS: z.coerce.number().int().positive().default(4),
  MAX_FILES_PER_TURN: z.coerce.number().int().positive().default(20),
  MAX_PROMPT_CHARS: z.coerce.number().int().nonnegative().default(4000),
  ENGINE_HOST: z.union([z.ipv4(), z.ipv6(), z.literal('localhost')]).default('127.0.0.1'),
  ENGINE_PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  ENGINE_DATA_DIR: z.string().min(1).default('data/engine'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'must look like 123456:ABC… (from @BotFather)')
    .optional(),
  TELEGRAM_API_ROOT: z.url({ protocol: /^https?$/ }).default('https://api.telegram.org'),
  TELEGRAM_MAX_DOWNLOAD_MB: z.coerce.number().positive().optional(),
  TELEGRAM_MAX_UPLOAD_MB: z.coerce.number().positive().optional(),
  TELEGRAM_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  TELEGRAM_WEBHOOK_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, 'may only hold A-Z, a-z, 0-9, _ and - (at most 256)')
    .optional(),
  DISCORD_TOKEN: z.string().min(20, 'must be the bot token from the Discord developer portal').optional(),
  DISCORD_APPLICATION_ID: z
    .string()
    .regex(/^\d{15,22}$/, 'must be the numeric application id')
    .optional(),
  CONSOLE_CHANNEL: z
    .string()
    .regex(/^[\w.-]{1,64}$/, 'must be a short name (letters, digits, - . _)')
    .default('default'),
  DISCORD_GUILD_ID: z
    .string()
    .regex(/^\d{15,22}$/, 'must be a numeric server id')
    .optional(),
  DISCORD_MESSAGE_CONTENT: z.stringbool().default(false),
  DISCORD_REST_API: z.url({ protocol: /^https?$/ }).optional(),
});

/** Requirements between variables, checked even when single variables are wrong, so one pass lists all. */
function missingCompanions(env: Record<string, string>): string[] {
  const problems: string[] = [];
  if (env.DISCORD_TOKEN && !env.DISCORD_APPLICATION_ID) {
    problems.push('DISCORD_APPLICATION_ID: is required when DISCORD_TOKEN is set');
  }
  return problems;
}

export type Env = z.infer<typeof envSchema>;

export interface Config {
  nemo: {
    apiUrl: string;
    webUrl: string;
    token: string | undefined;
    clientId: string | undefined;
    attribution: { source: string; version: string; platform: string | undefined };
    uploadMaxBytes: number;
    rateLimitWaitMs: number;
    requestTimeoutMs: number;
    chatTimeoutMs: number;
    chatIdleTimeoutMs: number;
    renderPollIntervalMs: number;
    renderTimeoutMs: number;
  };
  storeUrl: string;
  /** How long a channel's lease outlives a bot process that died (processes sharing the store). */
  storeLeaseMs: number;
  /**
   * The local engine: `run` when NEMO_API_URL=local (the bot starts it on a free loopback port),
   * and where `npm run engine` listens.
   */
  engine: { run: boolean; host: string; port: number; dataDir: string };
  progressIntervalMs: number;
  /** After a dropped stream: when to read the state first, how often after, and how many times. */
  recovery: { firstCheckMs: number; intervalMs: number; checks: number };
  /** What one turn may carry: files, and characters of text (0: no limit). */
  turnLimits: { maxFiles: number; maxPromptChars: number };
  access: {
    allowedUsers: string[];
    allowedChats: string[];
    adminUsers: string[];
    adminCommands: string[];
    dailyRequestLimit: number;
    maxConcurrentOperations: number;
  };
  logLevel: Env['LOG_LEVEL'];
  /** Present when the Telegram adapter should start. */
  telegram:
    | {
        token: string;
        apiRoot: string;
        /** Overrides of the Bot API's file limits (20 MB down, 50 MB up); unset means those. */
        maxDownloadBytes?: number | undefined;
        maxUploadBytes?: number | undefined;
        /** Present when updates come by webhook instead of long polling. */
        webhook?: { url: string; port: number; secret: string | undefined } | undefined;
      }
    | undefined;
  /** The console adapter's conversation name. */
  consoleChannel: string;
  /** Present when the Discord adapter should start. */
  discord:
    | {
        token: string;
        applicationId: string;
        guildId: string | undefined;
        /** Plain messages in the bot's threads continue a project (needs the privileged intent). */
        messageContent: boolean;
        /** Base of the REST API (`…/api`); the gateway address comes from `GET /gateway/bot`. */
        restApi: string | undefined;
      }
    | undefined;
}

/** Raised when the environment does not describe a runnable bot; `problems` has one line per variable. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((line) => `  - ${line}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Unset and empty mean the same thing: `.env.example` copied as-is leaves many variables empty. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
}

function megabytes(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value * 1024 * 1024);
}

export function parseConfig(env: NodeJS.ProcessEnv, packageVersion = '0.0.0'): Config {
  const present = withoutEmpty(env);
  const parsed = envSchema.safeParse(present);
  const problems = [
    ...(parsed.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? []),
    ...missingCompanions(present),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    nemo: {
      apiUrl: e.NEMO_API_URL.replace(/\/+$/, ''),
      webUrl: e.NEMO_WEB_URL.replace(/\/+$/, ''),
      token: e.NEMO_TOKEN,
      clientId: e.NEMO_CLIENT_ID,
      attribution: {
        source: e.NEMO_SKILL_SOURCE,
        version: e.NEMO_SKILL_VERSION ?? packageVersion,
        platform: e.NEMO_SKILL_PLATFORM,
      },
      uploadMaxBytes: Math.round(e.UPLOAD_MAX_MB * 1024 * 1024),
      rateLimitWaitMs: e.RATE_LIMIT_WAIT_SECONDS * 1000,
      requestTimeoutMs: e.REQUEST_TIMEOUT_SECONDS * 1000,
      chatTimeoutMs: e.CHAT_TIMEOUT_MINUTES * 60_000,
      chatIdleTimeoutMs: e.CHAT_IDLE_TIMEOUT_MINUTES * 60_000,
      renderPollIntervalMs: e.RENDER_POLL_INTERVAL_SECONDS * 1000,
      renderTimeoutMs: e.RENDER_TIMEOUT_MINUTES * 60_000,
    },
    storeUrl: e.STORE_URL,
    storeLeaseMs: e.STORE_LEASE_SECONDS * 1000,
    engine: {
      run: e.NEMO_API_URL === 'local',
      host: e.ENGINE_HOST,
      port: e.ENGINE_PORT,
      dataDir: e.ENGINE_DATA_DIR,
    },
    progressIntervalMs: e.PROGRESS_INTERVAL_SECONDS * 1000,
    recovery: {
      firstCheckMs: e.RECOVERY_FIRST_CHECK_SECONDS * 1000,
      intervalMs: e.RECOVERY_INTERVAL_SECONDS * 1000,
      checks: e.RECOVERY_CHECKS,
    },
    turnLimits: { maxFiles: e.MAX_FILES_PER_TURN, maxPromptChars: e.MAX_PROMPT_CHARS },
    access: {
      allowedUsers: e.ALLOWED_USERS,
      allowedChats: e.ALLOWED_CHATS,
      adminUsers: e.ADMIN_USERS,
      adminCommands: e.ADMIN_COMMANDS,
      dailyRequestLimit: e.DAILY_REQUEST_LIMIT,
      maxConcurrentOperations: e.MAX_CONCURRENT_OPERATIONS,
    },
    logLevel: e.LOG_LEVEL,
    consoleChannel: e.CONSOLE_CHANNEL,
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
          maxDownloadBytes: megabytes(e.TELEGRAM_MAX_DOWNLOAD_MB),
          maxUploadBytes: megabytes(e.TELEGRAM_MAX_UPLOAD_MB),
          webhook: e.TELEGRAM_WEBHOOK_URL
            ? {
                url: e.TELEGRAM_WEBHOOK_URL,
                port: e.TELEGRAM_WEBHOOK_PORT,
                secret: e.TELEGRAM_WEBHOOK_SECRET,
              }
            : undefined,
        }
      : undefined,
    discord:
      e.DISCORD_TOKEN && e.DISCORD_APPLICATION_ID
        ? {
            token: e.DISCORD_TOKEN,
            applicationId: e.DISCORD_APPLICATION_ID,
            guildId: e.DISCORD_GUILD_ID,
            messageContent: e.DISCORD_MESSAGE_CONTENT,
            restApi: e.DISCORD_REST_API?.replace(/\/+$/, ''),
          }
        : undefined,
  };
}

/** Reads `.env` (when present) into the process environment; variables already set win. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
