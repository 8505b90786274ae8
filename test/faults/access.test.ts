/**
 * Allow-lists, admin-only commands and the per-person daily limit, on every path a request can
 * take: typed commands, free text, files, Telegram albums and buttons, Discord slash commands,
 * buttons and thread messages. Whoever is turned away hears why, and nothing reaches NemoVideo.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { handleTurn } from '../../commands/index.ts';
import { parseConfig } from '../../src/config.ts';
import { messages } from '../../src/core/messages.ts';
import { type DiscordBot, startDiscordBot, until } from '../adapters/discord-harness.ts';
import { type Harness, startHarness, waitFor } from '../adapters/telegram-harness.ts';
import { type FakeMessage, startFakeDiscord } from '../fakes/discord-server.ts';
import { type FakeNemo, startFakeNemo } from '../fakes/nemo-server.ts';
import type { SentMessage } from '../fakes/telegram-server.ts';
import {
  ada,
  addPhoto,
  bo,
  buttonPress,
  documentMessage,
  fakeJpeg,
  li,
  photoMessage,
  privateChat,
  textMessage,
} from '../fakes/telegram-updates.ts';
import { conversationFor, memoryFile, turn } from '../support/core.ts';
import { RecordingSurface } from '../support/recording-surface.ts';

const en = messages('en');
const zh = messages('zh');

let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers = [];
});

describe('configuration', () => {
  it('reads ADMIN_COMMANDS with or without the slash, in any case', () => {
    const config = parseConfig({ ADMIN_COMMANDS: '/Export, LINK ,credits' });
    expect(config.access.adminCommands).toEqual(['export', 'link', 'credits']);
  });
});

describe('the core, as the console uses it', () => {
  it('holds files, free text that reads as a command, and typed commands to the same rules', async () => {
    const fake = await startFakeNemo();
    closers.push(() => fake.close());
    const { conversation } = conversationFor(fake, {
      access: {
        allowedUsers: ['console:ada', 'console:boss'],
        adminUsers: ['console:boss'],
        adminCommands: ['credits'],
        dailyRequestLimit: 1,
      },
    });
    const surface = new RecordingSurface();
    const as = (id: string) => ({ person: { id, displayName: id } });
    const say = (text: string, options: Parameters<typeof turn>[1]) =>
      handleTurn(conversation, turn(text, options), surface);

    await say('', { ...as('mallory'), attachments: [memoryFile('a.jpg')] });
    await say('balance', { ...as('mallory') });
    await say('/export', { ...as('mallory') });
    expect(surface.texts()).toEqual([en.notAllowed, en.notAllowed, en.notAllowed]);
    expect(fake.requests).toEqual([]);

    await say('what is my balance', { ...as('ada') });
    expect(surface.texts().at(-1)).toBe(en.adminOnly);
    await say('', { ...as('ada'), attachments: [memoryFile('a.jpg')] });
    await say('make it longer', { ...as('ada') });
    expect(surface.texts().at(-1)).toBe(en.dailyLimit({ limit: 1 }));
    await say('/export', { ...as('ada') });
    expect(surface.texts().at(-1)).toBe(en.dailyLimit({ limit: 1 }));
    expect(fake.requestsTo('upload')).toHaveLength(1);
    expect(fake.requestsTo('chat')).toHaveLength(0);

    await say('/credits', { ...as('boss') });
    expect(surface.texts().at(-1)).toContain('💳 Credits');
  });
});

describe('Telegram', () => {
  /** Sends an update and waits for the chat's next answer. */
  async function answerTo(
    h: Harness,
    chatId: number,
    push: () => unknown,
    timeoutMs = 8_000,
  ): Promise<string> {
    const count = h.telegram.sentTo(chatId).length;
    push();
    const sent = await waitFor(() => h.telegram.sentTo(chatId)[count], 'an answer', timeoutMs);
    return sent.text ?? sent.caption ?? '';
  }

  function album(h: Harness, chatId: number, from: typeof ada, caption: string, group: string) {
    const chat = privateChat(from);
    for (const [index, seed] of [1, 2].entries()) {
      h.telegram.pushUpdate(
        photoMessage(chat, from, addPhoto(h.telegram, fakeJpeg(3_000, seed)), {
          mediaGroupId: group,
          ...(index === 0 ? { caption } : {}),
        }),
      );
    }
    return chatId;
  }

  it('enforces allow-lists, admin commands and the daily limit on commands, text, albums, files and buttons', async () => {
    const h = await startHarness({
      ALLOWED_USERS: `telegram:${ada.id},telegram:${li.id}`,
      ADMIN_USERS: `telegram:${li.id}`,
      ADMIN_COMMANDS: '/Export',
      DAILY_REQUEST_LIMIT: '1',
    });
    closers.push(() => h.close());
    const { telegram, nemo } = h;

    // Bo is on no list: every path gets the same answer, and nothing reaches NemoVideo.
    const boChat = privateChat(bo);
    const refusals = [
      await answerTo(h, bo.id, () => telegram.pushUpdate(textMessage(boChat, bo, '/status'))),
      await answerTo(h, bo.id, () => telegram.pushUpdate(textMessage(boChat, bo, 'make a video of my cat'))),
      await answerTo(h, bo.id, () => telegram.pushUpdate(textMessage(boChat, bo, 'export'))),
      await answerTo(h, bo.id, () => album(h, bo.id, bo, 'a promo', 'bo-album')),
      await answerTo(h, bo.id, () =>
        telegram.pushUpdate(
          documentMessage(boChat, bo, telegram.addFile({ bytes: Buffer.from('%PDF') }), {
            fileName: 'brief.pdf',
            mimeType: 'application/pdf',
          }),
        ),
      ),
      await answerTo(h, bo.id, () =>
        telegram.pushUpdate(
          buttonPress(telegram, bo, telegram.sentTo(bo.id)[0] as SentMessage, 'cmd:export'),
        ),
      ),
    ];
    expect(refusals).toEqual(Array(6).fill(en.notAllowed));
    expect(nemo.requests).toEqual([]);
    expect(telegram.callsTo('getFile')).toEqual([]);

    // Ada may use the bot, but not /export (admins only), and one request a day.
    const adaChat = privateChat(ada);
    expect(await answerTo(h, ada.id, () => telegram.pushUpdate(textMessage(adaChat, ada, '/export')))).toBe(
      en.adminOnly,
    );
    expect(await answerTo(h, ada.id, () => telegram.pushUpdate(textMessage(adaChat, ada, 'download')))).toBe(
      en.adminOnly,
    );
    album(h, ada.id, ada, 'a 5 second promo', 'ada-album');
    const reply = await waitFor(
      () => telegram.sentTo(ada.id).find((message) => message.text?.startsWith('Sure!')),
      'the album turn',
    );
    await waitFor(
      () => telegram.textsTo(ada.id).some((text) => text.startsWith('✅ Done')),
      'the album status',
    );
    expect(nemo.requestsTo('upload')[0]?.parts).toHaveLength(2);
    expect(
      await answerTo(h, ada.id, () => telegram.pushUpdate(buttonPress(telegram, ada, reply, 'cmd:export'))),
    ).toBe(en.adminOnly);
    expect(
      await answerTo(h, ada.id, () => telegram.pushUpdate(textMessage(adaChat, ada, 'make it longer'))),
    ).toBe(en.dailyLimit({ limit: 1 }));
    expect(
      await answerTo(h, ada.id, () => telegram.pushUpdate(textMessage(adaChat, ada, '/edit make it longer'))),
    ).toBe(en.dailyLimit({ limit: 1 }));
    expect(await answerTo(h, ada.id, () => album(h, ada.id, ada, 'another one', 'ada-album-2'))).toBe(
      en.dailyLimit({ limit: 1 }),
    );
    // Reads cost nothing and stay open to her, from a button too.
    expect(
      await answerTo(h, ada.id, () => telegram.pushUpdate(buttonPress(telegram, ada, reply, 'cmd:status'))),
    ).toMatch(/^Timeline/);
    expect(nemo.requestsTo('chat')).toHaveLength(1);
    expect(nemo.requestsTo('renderSubmit')).toHaveLength(0);

    // Li is an admin: past the admin-only command and the daily limit.
    const liChat = privateChat(li);
    telegram.pushUpdate(
      photoMessage(liChat, li, addPhoto(telegram, fakeJpeg(3_000, 9)), { caption: '一个短视频' }),
    );
    await waitFor(
      () => telegram.textsTo(li.id).some((text) => text.startsWith('✅ 已完成')),
      'Li’s first clip',
    );
    telegram.pushUpdate(textMessage(liChat, li, '再长一点'));
    await waitFor(
      () => telegram.textsTo(li.id).filter((text) => text.startsWith('✅ 已完成')).length === 2,
      'Li’s edit',
    );
    telegram.pushUpdate(textMessage(liChat, li, '/export'));
    await waitFor(() => telegram.sentTo(li.id).find((message) => message.video), 'Li’s video');
    expect(telegram.textsTo(li.id)).not.toContain(zh.adminOnly);
    expect(nemo.requestsTo('chat')).toHaveLength(3);
  });
});

describe('Discord', () => {
  it('enforces allow-lists, admin commands and the daily limit on slash commands, buttons and thread messages', async () => {
    const discord = await startFakeDiscord();
    const nemo: FakeNemo = await startFakeNemo();
    const stranger = discord.user('stranger');
    const boss = discord.user('boss');
    const otherChannel = discord.addTextChannel('off-topic');
    const running: DiscordBot = await startDiscordBot({
      reuse: { discord, nemo, storeDir: mkdtempSync(join(tmpdir(), 'nemo-access-')), logs: [] },
      env: {
        ALLOWED_USERS: `discord:${discord.member.id},discord:${boss.id}`,
        // A channel, not the server: the project threads under it are covered too.
        ALLOWED_CHATS: `discord:${discord.textChannelId}`,
        ADMIN_USERS: `discord:${boss.id}`,
        ADMIN_COMMANDS: 'export',
        DAILY_REQUEST_LIMIT: '1',
      },
    });
    closers.push(() => running.close());
    const settled = (interaction: { token: string }) =>
      until('the reply', () => {
        const text = discord.original(interaction as Parameters<typeof discord.original>[0])?.content;
        return text && !text.startsWith('⏳') ? text : undefined;
      });
    const lastIn = (channelId: string) => discord.messagesIn(channelId).at(-1)?.content;

    // A stranger is turned away by slash commands, and no thread is opened for them.
    expect(
      await settled(discord.slashCommand({ name: 'video', options: { prompt: 'a cat' }, user: stranger })),
    ).toBe(en.notAllowed);
    expect(await settled(discord.slashCommand({ name: 'status', user: stranger }))).toBe(en.notAllowed);
    // A member, but in a channel not on the list.
    expect(
      await settled(
        discord.slashCommand({ name: 'video', options: { prompt: 'a cat' }, channelId: otherChannel.id }),
      ),
    ).toBe(en.notAllowed);
    expect(discord.requestsTo('POST /channels/{channel_id}/messages/{message_id}/threads')).toEqual([]);
    expect(nemo.requests).toEqual([]);

    // The member's project: its thread is allowed because its channel is.
    nemo.queueChat({ steps: [{ setDraft: { t: [{ tt: 0, sg: [{ d: 5000, m: { name: 'cat' } }] }] } }] });
    const video = discord.slashCommand({ name: 'video', options: { prompt: 'a cat video' } });
    await until('the project', () => discord.original(video)?.content.includes('✅'));
    const threadId = discord.original(video)?.id as string;
    await running.runtime.conversation.idle();
    const answer = await until('the answer with buttons', () =>
      discord
        .messagesIn(threadId)
        .find((message) => JSON.stringify(message.components).includes('nemo:export')),
    );

    // In the thread, the stranger is turned away by a message and by a button.
    discord.postMessage({ channelId: threadId, content: 'make it blue', user: stranger });
    await until('the refusal in the thread', () => lastIn(threadId) === en.notAllowed);
    expect(
      await settled(discord.clickButton({ customId: 'nemo:status', message: answer, user: stranger })),
    ).toBe(en.notAllowed);

    // The member has spent today's request; export is for admins, whichever way it is asked for.
    const count = discord.messagesIn(threadId).length;
    discord.postMessage({ channelId: threadId, content: 'make it blue' });
    await until('the daily limit', () => discord.messagesIn(threadId).length > count + 1);
    expect(lastIn(threadId)).toBe(en.dailyLimit({ limit: 1 }));
    expect(
      await settled(
        discord.slashCommand({ name: 'edit', options: { instruction: 'bluer' }, channelId: threadId }),
      ),
    ).toBe(en.dailyLimit({ limit: 1 }));
    expect(
      await settled(discord.clickButton({ customId: 'nemo:export', message: answer as FakeMessage })),
    ).toBe(en.adminOnly);
    expect(await settled(discord.slashCommand({ name: 'export', channelId: threadId }))).toBe(en.adminOnly);
    discord.postMessage({ channelId: threadId, content: 'export' });
    await until('the admin-only answer', () => lastIn(threadId) === en.adminOnly);
    expect(await settled(discord.clickButton({ customId: 'nemo:status', message: answer }))).toMatch(
      /^Timeline/,
    );
    expect(nemo.requestsTo('chat')).toHaveLength(1);
    expect(nemo.requestsTo('renderSubmit')).toHaveLength(0);

    // The admin passes both the admin-only command and the limit.
    discord.slashCommand({ name: 'export', channelId: threadId, user: boss });
    await until('the video', () =>
      discord
        .messagesIn(threadId)
        .find((message) => message.content.includes('🎉') && message.attachments.length),
    );
    await running.runtime.conversation.idle();
    discord.postMessage({ channelId: threadId, content: 'make it longer', user: boss });
    await until('the admin’s first edit', () => nemo.requestsTo('chat').length === 2);
    await running.runtime.conversation.idle();
    discord.postMessage({ channelId: threadId, content: 'and shorter', user: boss });
    await until('the admin’s second edit', () => nemo.requestsTo('chat').length === 3);
    expect(discord.problems).toEqual([]);
  });
});
