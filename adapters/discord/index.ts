/**
 * The Discord adapter: a discord.js client that turns slash commands, buttons and (optionally)
 * messages in project threads into turns for the core, and resumes the renders a previous run
 * left unfinished once it is connected.
 *
 *   interactions.ts     slash commands and buttons: defer, then answer by editing the reply
 *   thread-messages.ts  plain messages in the bot's project threads
 *   threads.ts          one public thread per /video project
 *   turns.ts            Discord events → the core's turns (people, locales, attachments)
 *   surface.ts          the core's reply surface: reply, follow-ups, channel messages, videos
 *   status.ts           the live status: throttled edits, and the move before the token dies
 *   posting.ts          the three ways a message is posted, and the channel target
 *   components.ts       the core's actions as buttons (`nemo:export`…), and back
 *   permissions.ts      which permission stands in the way; errors.ts: refusals, safe logging
 *   texts.ts            what only the Discord adapter says, in English and Chinese
 *   commands-data.ts    slash command JSON from commands/ (deploy-commands.ts registers it)
 */
import { Client, Events, GatewayIntentBits, RESTEvents } from 'discord.js';
import type { Logger } from '../../src/log.ts';
import type { Runtime } from '../../src/runtime.ts';
import type { AdapterStarter, RunningAdapter } from '../adapter.ts';
import { loggable, withoutTokens } from './errors.ts';
import { handleInteraction } from './interactions.ts';
import { ChannelTarget } from './posting.ts';
import { DiscordSurface, type SurfaceTiming } from './surface.ts';
import { handleThreadMessage } from './thread-messages.ts';
import { channelIdOf, LocaleMemory } from './turns.ts';

/** Knobs for tests; production uses Discord's numbers. */
export interface DiscordAdapterOptions {
  /** The clock interaction tokens age by (tests move it forward instead of waiting 15 minutes). */
  now?: () => number;
  /** How long Discord accepts an interaction token (15 minutes). */
  tokenLifetimeMs?: number;
  /** How long before the token dies replies move to channel messages (1 minute: at 14 minutes). */
  tokenMarginMs?: number;
  /** The shortest time between two edits of one status message (5 seconds). */
  minEditIntervalMs?: number;
  /** How long to wait for the gateway's READY and the servers (60 seconds). */
  connectTimeoutMs?: number;
}

/** Gateway close codes that no retry will fix, with what the admin should do. */
const fatalCloses: Record<number, string> = {
  4004: 'Discord rejected DISCORD_TOKEN: copy the bot token again from the developer portal',
  4013: 'Discord rejected the gateway intents',
  4014: 'Discord refused the Message Content intent: enable it for the bot in the developer portal, or set DISCORD_MESSAGE_CONTENT=false',
};

export function createDiscordStarter(options: DiscordAdapterOptions = {}): AdapterStarter {
  return async (runtime) => {
    const config = runtime.config.discord;
    if (!config) throw new Error('The Discord adapter needs DISCORD_TOKEN and DISCORD_APPLICATION_ID');
    const logger = runtime.logger.child({ component: 'discord' });
    const timing: SurfaceTiming = {
      now: options.now ?? Date.now,
      tokenLifetimeMs: options.tokenLifetimeMs ?? 15 * 60_000,
      tokenMarginMs: options.tokenMarginMs ?? 60_000,
      minEditIntervalMs: options.minEditIntervalMs ?? 5_000,
    };
    const intents = [GatewayIntentBits.Guilds];
    if (config.messageContent)
      intents.push(GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent);
    const client = new Client({
      intents,
      // Nothing the bot posts pings anyone unless a message says so itself.
      allowedMentions: { parse: [] },
      rest: {
        ...(config.restApi ? { api: config.restApi } : {}),
        // Node's own fetch, not @discordjs/rest's undici 6 `request`: the undici 8 the NemoVideo
        // client loads takes over undici 6's global dispatcher, which then refuses the FormData
        // of every file upload (nodejs/undici#5520). fetch encodes the form itself first.
        makeRequest: fetch,
      },
    });
    client.on(Events.Error, (error) => logger.error('Discord client error', { error: loggable(error) }));
    client.on(Events.Warn, (message) => logger.warn(withoutTokens(message)));
    client.on(Events.Debug, (message) => logger.debug(withoutTokens(message)));
    client.rest.on(RESTEvents.RateLimited, (info) =>
      logger.debug('Discord rate limit', { route: info.route, retryAfterMs: info.retryAfter }),
    );

    const ready = await connect(client, config.token, options.connectTimeoutMs ?? 60_000, logger);
    const running = new Set<Promise<void>>();
    const track = (work: Promise<void>) => {
      const tracked = work.catch((error: unknown) =>
        logger.error('Discord event failed', { error: loggable(error) }),
      );
      running.add(tracked);
      void tracked.finally(() => running.delete(tracked));
    };
    const locales = new LocaleMemory();
    const context = { client: ready, conversation: runtime.conversation, logger, timing, locales };
    ready.on(Events.InteractionCreate, (interaction) => track(handleInteraction(context, interaction)));
    if (config.messageContent) {
      ready.on(Events.MessageCreate, (message) => track(handleThreadMessage(context, message)));
    }
    ready.on(Events.ShardDisconnect, ({ code }) =>
      logger.error('Discord closed the connection for good', { code, reason: fatalCloses[code] }),
    );
    logger.info('connected to Discord', {
      bot: ready.user.tag,
      servers: ready.guilds.cache.size,
      threadMessages: config.messageContent,
    });

    await resume(runtime, ready, timing, logger);
    const adapter: RunningAdapter = {
      platform: 'discord',
      async stop() {
        // The conversation has already wound down; let the handlers say their last words.
        await Promise.race([Promise.allSettled([...running]), sleep(5_000)]);
        await client.destroy();
      },
    };
    return adapter;
  };
}

export const startDiscord: AdapterStarter = createDiscordStarter();

/** Logs in and waits for the client to be ready, failing with one clear sentence. */
async function connect(
  client: Client,
  token: string,
  timeoutMs: number,
  logger: Logger,
): Promise<Client<true>> {
  const ready = new Promise<Client<true>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Discord did not get ready within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const refused = ({ code }: { code: number }) => {
      clearTimeout(timer);
      reject(new Error(fatalCloses[code] ?? `Discord closed the gateway connection (code ${code})`));
    };
    client.once(Events.ShardDisconnect, refused);
    client.once(Events.ClientReady, (readyClient) => {
      clearTimeout(timer);
      client.off(Events.ShardDisconnect, refused);
      resolve(readyClient);
    });
  });
  // Whichever fails first is reported; the other must not surface as an unhandled rejection.
  ready.catch(() => {});
  try {
    await client.login(token);
    return await ready;
  } catch (error) {
    await client.destroy();
    const reason = error instanceof Error ? error.message : String(error);
    logger.error('could not connect to Discord', { reason: withoutTokens(reason) });
    if (/TokenInvalid|invalid token/i.test(`${(error as Error).name} ${reason}`))
      throw new Error(fatalCloses[4004]);
    if (/disallowed intents/i.test(reason)) throw new Error(fatalCloses[4014]);
    throw error;
  }
}

/** Renders a previous run left unfinished are delivered to their channels, as ordinary messages. */
async function resume(runtime: Runtime, client: Client<true>, timing: SurfaceTiming, logger: Logger) {
  const resumed = await runtime.conversation.resumeRenders('discord', (key) => {
    const channelId = channelIdOf(key);
    if (!channelId) return undefined;
    return new DiscordSurface({
      target: new ChannelTarget(client, channelId),
      language: 'en',
      timing,
      logger,
    });
  });
  if (resumed > 0) logger.info('resumed unfinished renders', { count: resumed });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
