/**
 * The Discord adapter end to end: a real discord.js client talks to the fake Discord (REST and
 * gateway on 127.0.0.1) and the bot's core talks to the fake NemoVideo. Every REST body the bot
 * sends is checked against Discord's published schemas; after each test the fake must have seen
 * no problem, and no Discord token may show up at NemoVideo or in the logs.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeDiscord, FakeInteraction, FakeMessage } from '../fakes/discord-server.ts';
import { botPermissions, Permission, startFakeDiscord } from '../fakes/discord-server.ts';
import { fakeMp4 } from '../fakes/nemo-render.ts';
import { adkReply, sampleDraft, startFakeNemo } from '../fakes/nemo-server.ts';
import { type DiscordBot, editIntervalMs, startDiscordBot, until } from './discord-harness.ts';

const route = {
  editOriginal: 'PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original',
  followUp: 'POST /webhooks/{webhook_id}/{webhook_token}',
  createMessage: 'POST /channels/{channel_id}/messages',
  editMessage: 'PATCH /channels/{channel_id}/messages/{message_id}',
  startThread: 'POST /channels/{channel_id}/messages/{message_id}/threads',
  callback: 'POST /interactions/{interaction_id}/{interaction_token}/callback',
};
const minutes = (count: number) => count * 60_000;

let bots: DiscordBot[] = [];

async function bot(setup: Parameters<typeof startDiscordBot>[0] = {}): Promise<DiscordBot> {
  const started = await startDiscordBot(setup);
  bots.push(started);
  return started;
}

afterEach(async () => {
  const all = bots;
  bots = [];
  for (const each of all.reverse()) await each.stop();
  for (const each of all) {
    await each.discord.close().catch(() => {});
    await each.nemo.close().catch(() => {});
  }
  for (const { discord, nemo, logs } of all) {
    expect(discord.problems).toEqual([]);
    const secrets = [
      discord.token,
      ...[...discord.interactions.values()].map((interaction) => interaction.token),
    ];
    const nemoTraffic = JSON.stringify(nemo.requests);
    const logText = logs.join('\n');
    for (const secret of secrets) {
      expect(nemoTraffic).not.toContain(secret);
      expect(logText).not.toContain(secret);
    }
  }
});

/** The interaction's reply (the deferred message), once it exists. */
function original(discord: FakeDiscord, interaction: FakeInteraction): FakeMessage {
  const message = discord.original(interaction);
  if (!message) throw new Error('the interaction has no reply');
  return message;
}

/** Waits until the interaction's reply shows its last word (`✅ Done in …`, or what `done` accepts). */
function finished(
  discord: FakeDiscord,
  interaction: FakeInteraction,
  done = (text: string) => text.startsWith('✅'),
) {
  return until('the reply to finish', () => {
    const reply = discord.original(interaction);
    return reply && done(reply.content) ? reply : undefined;
  });
}

function contents(discord: FakeDiscord, channelId: string): string[] {
  return discord.messagesIn(channelId).map((message) => message.content);
}

function withButton(discord: FakeDiscord, channelId: string, customId: string): FakeMessage | undefined {
  return discord
    .messagesIn(channelId)
    .findLast((message) => JSON.stringify(message.components).includes(customId));
}

/** Runs `/video` with three photos and waits until the project's thread has the answer. */
async function videoProject(running: DiscordBot, options: { locale?: string; reply?: string } = {}) {
  const { discord, nemo } = running;
  const reply = options.reply ?? 'Here is your 30-second promo with music!';
  nemo.queueChat({ steps: [{ delayMs: 700 }, { setDraft: sampleDraft() }, ...adkReply(reply)] });
  const photos = {
    file1: discord.attachment('shoe-front.jpg', 180_000, 'image/jpeg'),
    file2: discord.attachment('shoe-side.png', 220_000, 'image/png'),
    file3: discord.attachment('shoe-box.webp', 90_000, 'image/webp'),
  };
  const interaction = discord.slashCommand({
    name: 'video',
    options: { prompt: '30-second promo with music' },
    files: photos,
    locale: options.locale,
  });
  await finished(discord, interaction, (text) => /^(✅|⏳ Still|⏳ 仍在)/.test(text) && text.includes('✅'));
  const threadId = original(discord, interaction).id;
  await until('the answer in the thread', () => withButton(discord, threadId, 'nemo:export'));
  return { interaction, threadId, photos };
}

describe('Discord adapter', () => {
  it('runs /video with three photos in a new thread: URL uploads, live status, export with the MP4 attached', async () => {
    const running = await bot({ discord: { heartbeatIntervalMs: 200 } });
    const { discord, nemo } = running;
    const { interaction, threadId, photos } = await videoProject(running);

    // Acknowledged at once with a deferred reply (type 5), then answered by editing it.
    const callbacks = discord.requestsTo(route.callback);
    expect(callbacks.map((request) => request.json)).toEqual([{ type: 5, data: { flags: 0 } }]);

    // The thread hangs off the reply, is named after the prompt and is the project's channel.
    const [threadRequest] = discord.requestsTo(route.startThread);
    expect(threadRequest?.json).toMatchObject({ name: '30-second promo with music' });
    expect(discord.channels.get(threadId)).toMatchObject({
      parentId: discord.textChannelId,
      ownerId: discord.bot.id,
    });

    // The files went to NemoVideo as URLs it fetches itself; the bot downloaded nothing.
    const [upload] = nemo.requestsTo('upload');
    expect(upload?.json).toEqual({
      urls: [photos.file1.url, photos.file2.url, photos.file3.url],
      source_type: 'url',
    });
    expect(discord.cdnRequests).toEqual([]);

    // The status lived in the reply, edited on the cadence and never faster.
    const edits = discord
      .requestsTo(route.editOriginal)
      .filter((request) => request.path.includes(interaction.token));
    const statusTexts = edits.map((request) => (request.json as { content: string }).content);
    expect(statusTexts[0]).toBe('⏳ Working on it…');
    expect(statusTexts.some((text) => text.startsWith('⏳ Still working...'))).toBe(true);
    expect(statusTexts.at(-1)).toMatch(/^✅ Done in \d+s\.$/);
    const gaps = edits.slice(1).map((request, index) => request.at - (edits[index]?.at ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(editIntervalMs - 15);

    // The conversation is in the thread, with buttons under the answer; nothing pinged anyone.
    expect(contents(discord, threadId)).toEqual([
      '📎 Added 3 file(s) to your project: shoe-front.jpg, shoe-side.png, shoe-box.webp',
      'Here is your 30-second promo with music!',
    ]);
    const answer = withButton(discord, threadId, 'nemo:export') as FakeMessage;
    expect(answer.allowedMentions).toEqual({ parse: [], users: [], replied_user: false });
    expect(JSON.stringify(answer.components)).toMatch(
      /"label":"Export".*"label":"Status".*"label":"New project"/,
    );

    // Export from the button: the MP4 arrives in the thread as a file, with the claim link.
    const exporting = discord.clickButton({ customId: 'nemo:export', message: answer });
    const video = await until('the video in the thread', () =>
      discord.messagesIn(threadId).find((message) => message.attachments.length > 0),
    );
    // The video notifies the person who asked (who may have stopped watching).
    expect(video.content).toMatch(
      new RegExp(
        `^<@${discord.member.id}> 🎉 Your video is ready!\nOpen the project in NemoVideo: https://\\S+$`,
      ),
    );
    expect(video.allowedMentions).toEqual({ parse: [], users: [discord.member.id], replied_user: false });
    expect(video.attachments).toEqual([
      expect.objectContaining({
        filename: expect.stringMatching(/^nemovideo-render_\w+\.mp4$/),
        size: nemo.mp4.length,
      }),
    ]);
    expect(JSON.stringify(video.components)).toContain('nemo:export');
    await finished(
      discord,
      exporting,
      (text) => text.startsWith('🎬 Rendering your video… 100%') || text.startsWith('✅'),
    );
    expect(discord.requestsTo(route.followUp)).toEqual([]);
    // The gateway connection stayed healthy: heartbeats went out and were acknowledged.
    expect(discord.heartbeats).toBeGreaterThan(0);
    expect(running.adapter.platform).toBe('discord');
  });

  it('links the MP4 when it is larger than the upload limit, and attaches it where Discord reports more', async () => {
    const running = await bot();
    const { discord, nemo } = running;
    nemo.mp4 = fakeMp4(11 * 1024 * 1024);
    const { threadId } = await videoProject(running);
    discord.slashCommand({ name: 'export', channelId: threadId });
    const linked = await until('the linked video', () =>
      discord.messagesIn(threadId).find((message) => message.content.includes('🎉')),
    );
    expect(linked.attachments).toEqual([]);
    expect(linked.content).toContain(
      'The MP4 is larger than Discord allows here (10 MB), so here is a link.',
    );
    expect(linked.content).toMatch(/\nhttp:\/\/127\.0\.0\.1:\d+\/files\/render_\w+\.mp4$/);
    await running.runtime.conversation.idle();

    // A boosted server (level 2): the interaction reports a 50 MB limit, and the file fits.
    discord.premiumTier = 2;
    const exporting = discord.slashCommand({
      name: 'export',
      channelId: threadId,
      attachmentSizeLimit: 50 * 1024 * 1024,
    });
    const attached = await until('the attached video', () =>
      discord.messagesIn(threadId).find((message) => message.attachments.length > 0),
    );
    expect(attached.attachments[0]?.size).toBe(11 * 1024 * 1024);
    expect(exporting.acknowledged).toBe(true);
  });

  it('continues the project from a plain message in its thread, files included', async () => {
    const running = await bot();
    const { discord, nemo } = running;
    const { threadId } = await videoProject(running);
    const sessionId = (nemo.requestsTo('upload')[0]?.path ?? '').split('/').pop();
    expect(sessionId).toMatch(/^\d+$/);

    nemo.queueChat({
      steps: [{ delayMs: 200 }, ...adkReply('Done: the title is bigger and there is a logo.')],
    });
    const logo = discord.attachment('logo.png', 5_000, 'image/png');
    const message = discord.postMessage({
      channelId: threadId,
      content: `<@${discord.bot.id}> make the title bigger and add this logo`,
      attachments: [logo],
    });
    await until('the answer to the message', () =>
      contents(discord, threadId).includes('Done: the title is bigger and there is a logo.'),
    );
    // Same session: the upload and the chat went to the project the thread belongs to.
    const chats = nemo.requestsTo('chat');
    expect(chats).toHaveLength(2);
    expect(chats[1]?.json).toMatchObject({
      session_id: sessionId,
      new_message: { parts: [{ text: 'make the title bigger and add this logo' }] },
    });
    expect(nemo.requestsTo('upload')[1]?.json).toEqual({ urls: [logo.url], source_type: 'url' });
    expect(nemo.requestsTo('createSession')).toHaveLength(1);
    // The status answers the message (a reply notifies its author) and ends with its last word.
    const status = discord.messagesIn(threadId).find((each) => each.replyTo === message.id);
    expect(status?.allowedMentions).toEqual({ parse: [], users: [], replied_user: true });
    await until('the status to finish', () => status?.content.startsWith('✅'));

    // Messages elsewhere, and from bots, are not the bot's business.
    discord.postMessage({ channelId: discord.textChannelId, content: 'make it blue' });
    discord.postMessage({
      channelId: threadId,
      content: 'make it red',
      user: { ...discord.user('otherbot'), bot: true },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(nemo.requestsTo('chat')).toHaveLength(2);
  });

  it('mentions the person instead of replying where it may not read the message history', async () => {
    const running = await bot();
    const { discord, nemo } = running;
    const { threadId } = await videoProject(running);
    discord.setPermissions(discord.textChannelId, botPermissions & ~Permission.ReadMessageHistory);
    nemo.queueChat({ steps: adkReply('Blue it is.') });
    discord.postMessage({ channelId: threadId, content: 'make it blue' });
    const status = await until('the status', () =>
      discord
        .messagesIn(threadId)
        .find((message) => message.content.startsWith(`<@${discord.member.id}> ✅`)),
    );
    expect(status.replyTo).toBeUndefined();
    expect(status.allowedMentions).toEqual({ parse: [], users: [discord.member.id], replied_user: false });
    expect(contents(discord, threadId)).toContain('Blue it is.');
  });

  it('without the Message Content intent, thread messages are left alone and /edit works there', async () => {
    const running = await bot({ env: { DISCORD_MESSAGE_CONTENT: 'false' } });
    const { discord, nemo } = running;
    expect((discord.intents ?? 0) & (1 << 15)).toBe(0);
    const { threadId } = await videoProject(running);
    discord.postMessage({ channelId: threadId, content: 'make the title bigger' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(nemo.requestsTo('chat')).toHaveLength(1);

    nemo.queueChat({ steps: adkReply('The title is bigger now.') });
    const editing = discord.slashCommand({
      name: 'edit',
      options: { instruction: 'make the title bigger' },
      channelId: threadId,
    });
    await finished(discord, editing);
    expect(contents(discord, threadId)).toContain('The title is bigger now.');
    expect(nemo.requestsTo('chat')[1]?.json).toMatchObject({
      new_message: { parts: [{ text: 'make the title bigger' }] },
    });
  });

  it('moves to channel messages before the interaction token dies, and still delivers the video', async () => {
    const running = await bot();
    const { discord, nemo } = running;
    const { threadId } = await videoProject(running);
    nemo.render = { shape: 'top', statuses: ['processing'], urlReachable: true };
    const exporting = discord.slashCommand({ name: 'export', channelId: threadId });
    await until('render progress in the reply', () => discord.original(exporting)?.content.includes('50%'));

    // 14.5 minutes later the status leaves the reply for a channel message that mentions the person.
    discord.clock.advance(minutes(14.5));
    const moved = await until('the status in a channel message', () =>
      discord
        .messagesIn(threadId)
        .find((message) => message.content.startsWith(`<@${discord.member.id}> 🎬 Rendering`)),
    );
    expect(moved.allowedMentions).toEqual({ parse: [], users: [discord.member.id], replied_user: false });
    await until('the reply to point below', () =>
      original(discord, exporting).content.startsWith('↪️ Continued'),
    );

    // Past 15 minutes the render completes: nothing uses the dead token (the fake would object).
    discord.clock.advance(minutes(2));
    for (const render of nemo.renders.values()) render.plan.statuses = ['completed'];
    const video = await until('the video as a channel message', () =>
      discord.messagesIn(threadId).find((message) => message.attachments.length > 0),
    );
    expect(video.content).toMatch(new RegExp(`^<@${discord.member.id}> 🎉 Your video is ready!`));
    expect(video.allowedMentions).toMatchObject({ users: [discord.member.id] });
    await until(
      'the moved status to get its last word',
      () => moved.content.includes('100%') || moved.content.includes('✅'),
    );
    expect(original(discord, exporting).content).toContain('↪️ Continued');
  });

  it('runs Export, Status and New project from buttons, for whoever clicks', async () => {
    const running = await bot();
    const { discord, nemo } = running;
    const { threadId } = await videoProject(running);
    const answer = withButton(discord, threadId, 'nemo:status') as FakeMessage;
    const someoneElse = discord.user('grace');

    const status = discord.clickButton({ customId: 'nemo:status', message: answer, user: someoneElse });
    const summary = await until('the timeline', () => {
      const text = discord.original(status)?.content;
      return text && !text.startsWith('⏳') ? text : undefined;
    });
    expect(summary).toContain('Urban Dreams');
    expect(JSON.stringify(original(discord, status).components)).toContain('nemo:export');

    const fresh = discord.clickButton({ customId: 'nemo:new', message: answer });
    await until('the new project', () => discord.original(fresh)?.content.startsWith('🆕'));
    const after = discord.clickButton({ customId: 'nemo:status', message: answer });
    await until('no project', () => discord.original(after)?.content.startsWith('There is no project'));

    // A button that is not the bot's is not answered at all.
    const foreign = discord.clickButton({ customId: 'poll:yes', message: answer });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(foreign.acknowledged).toBe(false);
    expect(nemo.requestsTo('renderSubmit')).toHaveLength(0);
  });

  it('stops the running request with /cancel, whose own reply then goes away', async () => {
    const running = await bot();
    const { discord, nemo } = running;
    const { threadId } = await videoProject(running);
    nemo.queueChat({ steps: [{ hang: true }] });
    const editing = discord.slashCommand({
      name: 'edit',
      options: { instruction: 'slower please' },
      channelId: threadId,
    });
    await until('the request to reach NemoVideo', () => nemo.requestsTo('chat').length === 2);
    const cancel = discord.slashCommand({ name: 'cancel', channelId: threadId });
    await finished(discord, editing, (text) => text === 'Stopped.');
    await until('the empty reply to go', () => original(discord, cancel).deleted);
    expect(
      discord.requestsTo('DELETE /webhooks/{webhook_id}/{webhook_token}/messages/@original'),
    ).toHaveLength(1);
  });

  it('refuses a 600 MB file and an .exe before anything is uploaded', async () => {
    const running = await bot();
    const { discord, nemo } = running;
    const huge = discord.slashCommand({
      name: 'video',
      options: { prompt: 'a long film' },
      files: { file1: discord.attachment('film.mp4', 600 * 1024 * 1024, 'video/mp4') },
    });
    const tooLarge = await finished(discord, huge, (text) => text.includes('too large'));
    expect(tooLarge.content).toContain('That file is too large (limit 500 MB)');

    const program = discord.slashCommand({
      name: 'video',
      options: { prompt: 'install this' },
      files: { file1: discord.attachment('setup.exe', 40_000, 'application/x-msdownload') },
    });
    const refused = await finished(discord, program, (text) => text.includes("can't use that file"));
    expect(refused.content).toContain('Supported formats: mp4');

    expect(nemo.requestsTo('upload')).toEqual([]);
    expect(discord.cdnRequests).toEqual([]);
  });

  it('answers a zh-CN member in Chinese, buttons included', async () => {
    const running = await bot();
    const { discord } = running;
    const { interaction, threadId } = await videoProject(running, {
      locale: 'zh-CN',
      reply: '好的！宣传片已经做好了。',
    });
    const statusTexts = discord
      .requestsTo(route.editOriginal)
      .filter((request) => request.path.includes(interaction.token))
      .map((request) => (request.json as { content: string }).content);
    expect(statusTexts[0]).toBe('⏳ 正在处理…');
    expect(statusTexts.at(-1)).toMatch(/^✅ 已完成，用时/);
    expect(contents(discord, threadId)[0]).toBe(
      '📎 已将 3 个文件加入项目：shoe-front.jpg, shoe-side.png, shoe-box.webp',
    );
    const answer = withButton(discord, threadId, 'nemo:export') as FakeMessage;
    expect(JSON.stringify(answer.components)).toMatch(/"label":"导出".*"label":"状态".*"label":"新项目"/);

    // A plain message from the same member is answered in Chinese too (Discord sends no locale with it).
    discord.postMessage({ channelId: threadId, content: '把标题放大' });
    await until('a Chinese status', () =>
      contents(discord, threadId).some((text) => text.startsWith('✅ 已完成')),
    );
  });

  it('keeps the project in the channel, and says why, where it may not open threads', async () => {
    const running = await bot();
    const { discord, nemo } = running;
    discord.setPermissions(discord.textChannelId, botPermissions & ~Permission.CreatePublicThreads);
    nemo.queueChat({ steps: adkReply('A promo it is.') });
    const interaction = discord.slashCommand({ name: 'video', options: { prompt: 'a promo' } });
    await until('the answer in the channel', () =>
      contents(discord, discord.textChannelId).includes('A promo it is.'),
    );
    expect(original(discord, interaction).content).toBe(
      "ℹ️ I can't open a thread here (missing permission: Create Public Threads), so this channel holds the project.",
    );
    expect(discord.requestsTo(route.startThread)).toEqual([]);
    const status = await until('the status to finish', () =>
      discord.messagesIn(discord.textChannelId).find((message) => message.content.startsWith('✅')),
    );
    expect(status.interactionToken).toBeUndefined();
  });

  it('posts a link and names the permission when it may not attach files', async () => {
    const running = await bot();
    const { discord } = running;
    const { threadId } = await videoProject(running);
    discord.setPermissions(discord.textChannelId, botPermissions & ~Permission.AttachFiles);
    discord.slashCommand({ name: 'export', channelId: threadId });
    const video = await until('the video link', () =>
      discord.messagesIn(threadId).find((message) => message.content.includes('🎉')),
    );
    expect(video.attachments).toEqual([]);
    expect(video.content).toContain(
      "I can't upload files here (missing permission: Attach Files), so here is a link.",
    );
    expect(video.content).toMatch(/\/files\/render_\w+\.mp4$/);
  });

  it('logs the missing permission when it cannot answer in a thread at all', async () => {
    const running = await bot();
    const { discord, nemo, logs } = running;
    const { threadId } = await videoProject(running);
    discord.setPermissions(discord.textChannelId, botPermissions & ~Permission.SendMessagesInThreads);
    discord.postMessage({ channelId: threadId, content: 'make it blue' });
    const line = await until('the log line', () =>
      logs.find((each) => each.includes('the bot may not answer there')),
    );
    expect(JSON.parse(line)).toMatchObject({
      level: 'warn',
      permission: 'SendMessagesInThreads',
      channel: threadId,
    });
    expect(nemo.requestsTo('chat')).toHaveLength(1);
  });

  it('falls back to streaming the file from Discord when the URL upload fails', async () => {
    const running = await bot();
    const { discord, nemo } = running;
    nemo.failNext('upload', { status: 200, json: { code: 4001, message: 'Could not fetch the URL' } });
    const photo = discord.attachment('cat.jpg', 3_000, 'image/jpeg');
    const interaction = discord.slashCommand({
      name: 'video',
      options: { prompt: 'a cat' },
      files: { file1: photo },
    });
    await finished(discord, interaction);
    const [byUrl, streamed] = nemo.requestsTo('upload');
    expect(byUrl?.json).toEqual({ urls: [photo.url], source_type: 'url' });
    expect(streamed?.parts).toEqual([
      expect.objectContaining({ name: 'files', filename: 'cat.jpg', size: 3_000 }),
    ]);
    expect(discord.cdnRequests).toHaveLength(1);
  });

  it('delivers a render to its thread after a restart', async () => {
    const first = await bot();
    const { discord, nemo } = first;
    const { threadId } = await videoProject(first);
    nemo.render = { shape: 'top', statuses: ['processing'], urlReachable: true };
    const exporting = discord.slashCommand({ name: 'export', channelId: threadId });
    await until('render progress', () => discord.original(exporting)?.content.includes('50%'));
    await first.stop();
    expect(original(discord, exporting).content).toContain('The bot is restarting');

    for (const render of nemo.renders.values()) render.plan.statuses = ['completed'];
    await bot({ reuse: { discord, nemo, storeDir: first.storeDir, logs: first.logs } });
    const video = await until('the video after the restart', () =>
      discord.messagesIn(threadId).find((message) => message.attachments.length > 0),
    );
    expect(video.content).toMatch(/^🎉 Your video is ready!/);
    expect(nemo.requestsTo('renderSubmit')).toHaveLength(1);
    expect(discord.original(exporting)?.content).toContain('The bot is restarting');
  });

  it('stops with a clear message when Discord refuses the Message Content intent', async () => {
    const discord = await startFakeDiscord({ messageContentAllowed: false });
    const nemo = await startFakeNemo();
    const storeDir = mkdtempSync(join(tmpdir(), 'nemo-discord-'));
    try {
      await expect(startDiscordBot({ reuse: { discord, nemo, storeDir, logs: [] } })).rejects.toThrow(
        'Discord refused the Message Content intent: enable it for the bot in the developer portal, or set DISCORD_MESSAGE_CONTENT=false',
      );
    } finally {
      await discord.close();
      await nemo.close();
    }
  });
});

describe('npm run deploy-commands', () => {
  const script = join(import.meta.dirname, '../../adapters/discord/deploy-commands.ts');

  function deploy(discord: FakeDiscord, env: Record<string, string> = {}) {
    const child = spawn(process.execPath, [script], {
      env: {
        PATH: process.env.PATH,
        DISCORD_TOKEN: discord.token,
        DISCORD_APPLICATION_ID: discord.applicationId,
        DISCORD_REST_API: discord.restApi,
        ...env,
      },
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    return new Promise<{ code: number | null; output: string }>((resolve) =>
      child.on('close', (code) => resolve({ code, output })),
    );
  }

  it('registers the commands in one server with DISCORD_GUILD_ID, globally without', async () => {
    const discord = await startFakeDiscord();
    try {
      const inServer = await deploy(discord, { DISCORD_GUILD_ID: discord.guildId });
      expect(inServer).toEqual({
        code: 0,
        output: `Registered 9 slash commands in server ${discord.guildId}.\n`,
      });
      const global = await deploy(discord);
      expect(global).toEqual({ code: 0, output: 'Registered 9 slash commands globally.\n' });
      expect(discord.problems).toEqual([]);
      const names = (scope: string) =>
        (discord.commands.get(scope) as Array<{ name: string }>).map((command) => command.name);
      expect(names(discord.guildId)).toEqual([
        'video',
        'edit',
        'export',
        'status',
        'credits',
        'new',
        'cancel',
        'link',
        'help',
      ]);
      expect(names('global')).toEqual(names(discord.guildId));

      const video = (discord.commands.get('global') as Array<Record<string, unknown>>).find(
        (command) => command.name === 'video',
      );
      expect(video).toMatchObject({
        name_localizations: { 'zh-CN': '视频' },
        description: 'Start a new video from your files and a prompt',
        description_localizations: { 'zh-CN': '用文件和描述新建视频' },
        contexts: [0],
      });
      expect(video?.options).toEqual([
        expect.objectContaining({
          name: 'prompt',
          type: 3,
          required: true,
          name_localizations: { 'zh-CN': '描述' },
        }),
        ...[1, 2, 3, 4, 5].map((index) =>
          expect.objectContaining({
            name: `file${index}`,
            type: 11,
            required: false,
            name_localizations: { 'zh-CN': `文件${index}` },
          }),
        ),
      ]);
    } finally {
      await discord.close();
    }
  });

  it('says what Discord refused, without a stack trace', async () => {
    const discord = await startFakeDiscord();
    try {
      const refused = await deploy(discord, { DISCORD_TOKEN: 'not-the-token-of-this-bot-at-all' });
      expect(refused.code).toBe(1);
      expect(refused.output).toBe('Discord refused the commands (HTTP 401): 401: Unauthorized\n');
    } finally {
      await discord.close();
    }
  });
});
