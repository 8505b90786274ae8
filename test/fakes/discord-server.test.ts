/**
 * The fake Discord's own checks, so a green Discord adapter test means something: bodies that
 * break Discord's published schemas (JSON or multipart `payload_json`), routes Discord does not
 * have, and broken interaction rules all land in `problems`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeDiscord, startFakeDiscord } from './discord-server.ts';

let discord: FakeDiscord;
beforeEach(async () => {
  discord = await startFakeDiscord();
});
afterEach(async () => {
  await discord.close();
});

function rest(path: string, init: RequestInit & { json?: unknown } = {}) {
  const { json, ...rest } = init;
  return fetch(`${discord.restApi}/v10${path}`, {
    ...rest,
    headers: {
      authorization: `Bot ${discord.token}`,
      ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      ...rest.headers,
    },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
}

describe('fake Discord', () => {
  it('accepts a valid message and records it', async () => {
    const response = await rest(`/channels/${discord.textChannelId}/messages`, {
      method: 'POST',
      json: { content: 'hello', allowed_mentions: { parse: [] } },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ content: 'hello', channel_id: discord.textChannelId });
    expect(discord.requestsTo('POST /channels/{channel_id}/messages')).toHaveLength(1);
    expect(discord.problems).toEqual([]);
  });

  it('reports a JSON body that breaks the published schema', async () => {
    await rest(`/channels/${discord.textChannelId}/messages`, {
      method: 'POST',
      json: {
        content: 'x',
        components: [{ type: 1, components: [{ type: 2, style: 1, custom_id: 'x'.repeat(101) }] }],
      },
    });
    expect(discord.problems).toHaveLength(1);
    expect(discord.problems[0]).toContain(
      'POST /channels/{channel_id}/messages: the body matches no published schema',
    );
  });

  it('checks the payload_json of a multipart upload too', async () => {
    const form = new FormData();
    form.append('payload_json', JSON.stringify({ content: 42, attachments: [{ id: 0, filename: 'a.mp4' }] }));
    form.append('files[0]', new Blob([Buffer.alloc(10)], { type: 'video/mp4' }), 'a.mp4');
    await rest(`/channels/${discord.textChannelId}/messages`, { method: 'POST', body: form });
    expect(discord.problems).toHaveLength(1);
    expect(discord.problems[0]).toMatch(/content: .*attachments\.0\.id/);
    expect(discord.requests[0]?.files).toEqual([
      { field: 'files[0]', filename: 'a.mp4', contentType: 'video/mp4', size: 10 },
    ]);
  });

  it('reports routes Discord does not have, and bodies on routes that take none', async () => {
    await rest('/channels/1/wormholes', { method: 'POST', json: {} });
    await rest(`/channels/${discord.textChannelId}/thread-members/1`, { method: 'PUT', json: { x: 1 } });
    expect(discord.problems).toEqual([
      "a route Discord's spec does not have: POST /api/v10/channels/1/wormholes",
      'PUT /channels/{channel_id}/thread-members/{user_id}: the spec defines no body, but one was sent',
    ]);
  });

  it('enforces Discord limits the schemas leave out: 2000 characters, the bot token', async () => {
    const long = await rest(`/channels/${discord.textChannelId}/messages`, {
      method: 'POST',
      json: { content: 'x'.repeat(2001) },
    });
    expect(long.status).toBe(400);
    expect(discord.problems).toEqual(['message content of 2001 characters (Discord allows 2000)']);
    const stranger = await rest('/gateway/bot', { headers: { authorization: 'Bot nope' } });
    expect(stranger.status).toBe(401);
  });
});
