/**
 * A whole project on each adapter (console, Telegram, Discord) with debug logging captured, then a
 * scan of every log line and every request each fake received for the NemoVideo token, the bot
 * tokens, interaction tokens, claim tokens and Telegram file URLs. Each may appear only where it
 * belongs: the NemoVideo token in the Authorization header of requests to NemoVideo, a bot token in
 * the requests to its own platform, a claim link in the chat (it is the person's to open).
 */
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import Keyv from 'keyv';
import { afterEach, describe, expect, it } from 'vitest';
import { type DiscordBot, startDiscordBot, until } from '../adapters/discord-harness.ts';
import { type Harness, startHarness, waitFor } from '../adapters/telegram-harness.ts';
import { adkReply, type FakeNemo, sampleDraft, startFakeNemo } from '../fakes/nemo-server.ts';
import {
  ada,
  addPhoto,
  fakeJpeg,
  photoMessage,
  privateChat,
  textMessage,
} from '../fakes/telegram-updates.ts';
import { quickClocks, startConsole } from '../support/console-process.ts';
import { clientFor } from '../support/nemo-client.ts';
import { bearerTokens, leaks, logPlaces, nemoRequestPlaces, type Secret } from '../support/secrets.ts';

const claimTokens = (text: string): Secret[] =>
  [...text.matchAll(/ct=(clm_[\w-]+)/g)].map((match) => ({
    name: 'a claim token',
    value: match[1] as string,
  }));

/** The NemoVideo side: tokens only as Bearer, only on API routes, never anywhere else in a request. */
function checkNemoSide(nemo: FakeNemo, others: Secret[], videoFetched = true): void {
  const nemoTokens = [...nemo.tokens.keys()].map((value) => ({ name: 'a NemoVideo token', value }));
  expect(nemoTokens.length).toBeGreaterThan(0);
  expect(leaks([...nemoTokens, ...others], nemoRequestPlaces(nemo.requests))).toEqual([]);
  for (const token of bearerTokens(nemo.requests)) expect(nemo.tokens.has(token)).toBe(true);
  // The CDN link of the video is fetched without credentials.
  const cdn = nemo.requestsTo('renderFile');
  expect(cdn.length > 0).toBe(videoFetched);
  for (const request of cdn) expect(request.headers.authorization).toBeUndefined();
}

let fakes: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const each of fakes.reverse()) await each.close();
  fakes = [];
});

describe('no secret where it does not belong', () => {
  it('console: a configured NemoVideo token stays in the Authorization header', async () => {
    const nemo = await startFakeNemo();
    fakes.push(nemo);
    const token = nemo.issueToken();
    const dir = mkdtempSync(join(tmpdir(), 'nemo-secrets-'));
    writeFileSync(join(dir, 'photo.jpg'), fakeJpeg(4_000, 1));
    const bot = startConsole({
      cwd: dir,
      env: {
        NEMO_API_URL: nemo.url,
        NEMO_TOKEN: token,
        STORE_URL: `sqlite://${join(dir, 'bot.sqlite')}`,
        LOG_LEVEL: 'debug',
        ...quickClocks,
      },
      input: '/attach photo.jpg\nmake a clip\n/status\n/credits\n/link\n/export\n',
    });
    expect((await bot.exited).code).toBe(0);
    expect(bot.stdout()).toContain('🎉 Your video is ready!');
    const lines = bot.stderr().split('\n').filter(Boolean);
    expect(lines.some((line) => line.includes('"level":"debug"'))).toBe(true);

    const secrets = [{ name: 'NEMO_TOKEN', value: token }, ...claimTokens(bot.stdout())];
    expect(secrets.length).toBeGreaterThan(1);
    expect(leaks(secrets, logPlaces(lines, 'console'))).toEqual([]);
    expect(leaks(secrets.slice(0, 1), [{ where: 'the console output', text: bot.stdout() }])).toEqual([]);
    // The console prints the video's link: it never fetches the file.
    checkNemoSide(nemo, [], false);
    expect(new Set(bearerTokens(nemo.requests))).toEqual(new Set([token]));
  });

  it('Telegram: the bot token and file URLs never reach NemoVideo or the logs', async () => {
    const h: Harness = await startHarness();
    fakes.push(h);
    const { telegram, nemo } = h;
    const chat = privateChat(ada);
    telegram.pushUpdate(
      photoMessage(chat, ada, addPhoto(telegram, fakeJpeg(9_000, 2)), { caption: 'a clip' }),
    );
    await waitFor(() => telegram.textsTo(ada.id).some((text) => text.startsWith('✅ Done')), 'the clip');
    for (const command of ['/status', '/credits', '/link', '/export']) {
      const count = telegram.sentTo(ada.id).length;
      telegram.pushUpdate(textMessage(chat, ada, command));
      await waitFor(() => telegram.sentTo(ada.id).length > count, command);
    }
    await waitFor(() => telegram.sentTo(ada.id).find((message) => message.video), 'the video');
    await h.bot.runtime.conversation.idle();
    expect(nemo.requestsTo('upload')[0]?.parts).toHaveLength(1);

    const chatText = telegram.textsTo(ada.id).join('\n');
    const botSecrets: Secret[] = [
      { name: 'the Telegram bot token', value: telegram.token },
      { name: 'the secret part of the bot token', value: telegram.token.split(':')[1] as string },
      { name: 'a Telegram file URL', value: `${telegram.url}/file/` },
      { name: 'a Telegram file URL', value: '/file/bot' },
    ];
    const nemoTokens = [...nemo.tokens.keys()].map((value) => ({ name: 'a NemoVideo token', value }));
    const logs = logPlaces(h.logLines, 'telegram');
    expect(h.logLines.some((line) => line.includes('"level":"debug"'))).toBe(true);
    expect(leaks([...botSecrets, ...nemoTokens, ...claimTokens(chatText)], logs)).toEqual([]);
    checkNemoSide(nemo, botSecrets);
    // Nothing of NemoVideo's credentials went to Telegram.
    const telegramCalls = h.telegram.calls.map((call, index) => ({
      where: `Telegram call ${index + 1} (${call.method})`,
      text: JSON.stringify(call),
    }));
    expect(leaks(nemoTokens, telegramCalls)).toEqual([]);
  });

  it('Discord: bot and interaction tokens stay with Discord, the NemoVideo token with NemoVideo', async () => {
    const running: DiscordBot = await startDiscordBot();
    fakes.push(running);
    const { discord, nemo } = running;
    nemo.queueChat({ steps: [{ setDraft: sampleDraft() }, ...adkReply('Here is your promo.')] });
    const video = discord.slashCommand({
      name: 'video',
      options: { prompt: 'a promo' },
      files: { file1: discord.attachment('shoe.jpg', 20_000, 'image/jpeg') },
    });
    await until('the /video status to finish', () => discord.original(video)?.content.includes('✅'));
    const threadId = discord.original(video)?.id as string;
    discord.postMessage({
      channelId: threadId,
      content: 'add this logo',
      attachments: [discord.attachment('logo.png', 3_000, 'image/png')],
    });
    await until('the thread message to be answered', () => nemo.requestsTo('chat').length === 2);
    await running.runtime.conversation.idle();
    const link = discord.slashCommand({ name: 'link', channelId: threadId });
    await until('the link', () => discord.original(link)?.content.includes('ct=clm_'));
    discord.slashCommand({ name: 'export', channelId: threadId });
    await until('the video', () =>
      discord
        .messagesIn(threadId)
        .find((message) => message.content.includes('🎉') && message.attachments.length),
    );
    await running.runtime.conversation.idle();

    const interactionTokens = [...discord.interactions.values()].map((interaction) => ({
      name: 'an interaction token',
      value: interaction.token,
    }));
    const discordSecrets: Secret[] = [
      { name: 'the Discord bot token', value: discord.token },
      ...interactionTokens,
    ];
    const nemoTokens = [...nemo.tokens.keys()].map((value) => ({ name: 'a NemoVideo token', value }));
    const chatText = [...discord.messages.values()].map((message) => message.content).join('\n');
    expect(running.logs.some((line) => line.includes('"level":"debug"'))).toBe(true);
    expect(
      leaks([...discordSecrets, ...nemoTokens, ...claimTokens(chatText)], logPlaces(running.logs, 'discord')),
    ).toEqual([]);
    checkNemoSide(nemo, discordSecrets);
    // Toward Discord: the bot token only as `Authorization: Bot …`, interaction tokens only in the
    // webhook paths they address, no NemoVideo token anywhere.
    const bodies = discord.requests.map((request, index) => ({
      where: `Discord request ${index + 1} (${request.route})`,
      text: JSON.stringify({ query: request.query, json: request.json, files: request.files }),
    }));
    expect(leaks([...discordSecrets, ...nemoTokens], bodies)).toEqual([]);
    const paths = discord.requests.map((request) => ({ where: request.route, text: request.path }));
    expect(leaks([discordSecrets[0] as Secret, ...nemoTokens], paths)).toEqual([]);
    for (const request of discord.requests) {
      if (request.authorization) expect(request.authorization).toBe(`Bot ${discord.token}`);
    }
    expect(discord.problems).toEqual([]);
  });
});

describe('redirects never carry the NemoVideo token to another origin', () => {
  it('drops it on a followed redirect, and does not follow a streamed upload elsewhere', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const elsewhere = createServer((request, response) => {
      seen.push(request.headers);
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ code: 0, data: { available: 1, frozen: 0, total: 1 } }));
    }).listen(0, '127.0.0.1');
    await once(elsewhere, 'listening');
    fakes.push({ close: () => new Promise<void>((resolve) => elsewhere.close(() => resolve())) });
    const nemo = await startFakeNemo();
    fakes.push(nemo);
    const token = nemo.issueToken();
    const client = clientFor(nemo, { token, store: new Keyv() });
    fakes.push(client);
    // `localhost` is another origin than the service's 127.0.0.1, though the same machine.
    const foreign = `http://localhost:${(elsewhere.address() as AddressInfo).port}`;

    nemo.failNext('credits', { redirect: `${foreign}/api/credits/balance/simple`, status: 307 });
    await expect(client.credits()).resolves.toMatchObject({ available: 1 });

    const session = await client.createSession({ taskName: 'x', language: 'en' });
    nemo.failNext('upload', { redirect: `${foreign}/upload`, status: 307 });
    const bytes = fakeJpeg(2_000, 5);
    await expect(
      client.uploadFiles(session.sessionId, [
        { name: 'a.jpg', size: bytes.length, open: () => Readable.from([bytes]) },
      ]),
    ).rejects.toMatchObject({ key: 'server' });

    expect(seen).toHaveLength(1);
    expect(JSON.stringify(seen)).not.toContain(token);
    expect(seen[0]?.authorization).toBeUndefined();
  });
});
