/**
 * Discord's API misbehaving while the bot works: storms of 429 (with Retry-After) and bursts of 5xx
 * on the routes a project uses. discord.js waits out the 429s and retries the 5xx; the final video
 * still arrives in the project's thread, once, and every request still matches Discord's schemas.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type DiscordBot, startDiscordBot, until } from '../adapters/discord-harness.ts';
import { rateLimited, serverError } from '../fakes/discord-server.ts';
import { adkReply, sampleDraft } from '../fakes/nemo-server.ts';

const route = {
  createMessage: 'POST /channels/{channel_id}/messages',
  editMessage: 'PATCH /channels/{channel_id}/messages/{message_id}',
  editOriginal: 'PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original',
  startThread: 'POST /channels/{channel_id}/messages/{message_id}/threads',
};

let running: DiscordBot | undefined;
afterEach(async () => {
  await running?.close();
  if (running) expect(running.discord.problems).toEqual([]);
  running = undefined;
});

describe('Discord faults', () => {
  it('delivers the MP4 through 429 storms and 5xx bursts on every route it posts to', async () => {
    running = await startDiscordBot();
    const { discord, nemo } = running;
    // The project starts under fire too: the reply, the thread and the first messages.
    discord.failNext(route.editOriginal, rateLimited(0.05), 2);
    discord.failNext(route.editOriginal, serverError(503), 2);
    discord.failNext(route.startThread, serverError(502), 1);
    discord.failNext(route.createMessage, rateLimited(0.05), 3);
    nemo.queueChat({
      steps: [{ delayMs: 300 }, { setDraft: sampleDraft() }, ...adkReply('Your promo is ready.')],
    });
    const interaction = discord.slashCommand({
      name: 'video',
      options: { prompt: 'a promo' },
      files: { file1: discord.attachment('shoe.jpg', 50_000, 'image/jpeg') },
    });
    await until('the answer in the thread', () =>
      [...discord.messages.values()].find((message) => message.content === 'Your promo is ready.'),
    );
    await until('the /video status to finish', () => discord.original(interaction)?.content.includes('✅'));
    await running.runtime.conversation.idle();
    const threadId = discord.original(interaction)?.id as string;
    expect(discord.channels.get(threadId)?.parentId).toBe(discord.textChannelId);

    // The export: its status, then the video itself, each hit by a storm and a burst.
    discord.failNext(route.editOriginal, rateLimited(0.05), 3);
    discord.failNext(route.createMessage, rateLimited(0.05), 4);
    discord.failNext(route.createMessage, serverError(502), 3);
    discord.slashCommand({ name: 'export', channelId: threadId });
    const video = await until(
      'the video in the thread',
      () => discord.messagesIn(threadId).find((message) => message.attachments.length > 0),
      6_000,
    );
    expect(video.attachments[0]?.size).toBe(nemo.mp4.length);
    expect(video.content).toContain('🎉 Your video is ready!');
    const statuses = discord.requestsTo(route.createMessage).map((request) => request.status);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(7);
    expect(statuses.filter((status) => status === 502)).toHaveLength(3);
    expect(nemo.requestsTo('renderSubmit')).toHaveLength(1);
    expect(nemo.requestsTo('chat')).toHaveLength(1);
    expect(discord.messagesIn(threadId).filter((message) => message.attachments.length > 0)).toHaveLength(1);
  });
});
