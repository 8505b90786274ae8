/**
 * `npm run deploy-commands`: registers the slash commands generated from commands/.
 *
 * With DISCORD_GUILD_ID they go to that one server, where changes show at once (for development);
 * without it they are registered globally. The whole list is sent in one overwrite, so a command
 * removed from commands/ disappears from Discord too.
 */
import { DiscordAPIError, REST, Routes } from 'discord.js';
import { ConfigError, parseConfig } from '../../src/config.ts';
import { packageVersion, runMain } from '../../src/runtime.ts';
import { allCommandData } from './commands-data.ts';

await runMain(async () => {
  const config = parseConfig(process.env, packageVersion);
  if (!config.discord) {
    throw new ConfigError(['DISCORD_TOKEN: is required to register the slash commands']);
  }
  const { token, applicationId, guildId, restApi } = config.discord;
  const rest = new REST(restApi ? { api: restApi } : {}).setToken(token);
  const route = guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
  try {
    const registered = (await rest.put(route, { body: allCommandData() })) as unknown[];
    const where = guildId ? `in server ${guildId}` : 'globally';
    process.stdout.write(`Registered ${registered.length} slash commands ${where}.\n`);
  } catch (error) {
    if (!(error instanceof DiscordAPIError)) throw error;
    // The message names the problem (401: the token; 403/404: the application or server id).
    process.stderr.write(`Discord refused the commands (HTTP ${error.status}): ${error.message}\n`);
    process.exitCode = 1;
  }
});
