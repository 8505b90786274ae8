/**
 * The chat stream misbehaving: cut at seeded random points, only heartbeats, malformed events, a
 * 10 MB event. The request is never sent twice; the person hears what became of it (the change
 * found in the state, or that it could not be confirmed); the next turn works.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleTurn } from '../../commands/index.ts';
import { messages } from '../../src/core/messages.ts';
import {
  adkReply,
  adkToolCall,
  adkToolResult,
  type ChatStep,
  type FakeNemo,
  sampleDraft,
  startFakeNemo,
} from '../fakes/nemo-server.ts';
import { conversationFor, turn } from '../support/core.ts';
import { lastWord, rawLeak, seededRandom, unfinishedStatuses } from '../support/faults.ts';
import { RecordingSurface } from '../support/recording-surface.ts';

const en = messages('en');

let fake: FakeNemo;
beforeEach(async () => {
  fake = await startFakeNemo();
});
afterEach(async () => {
  await fake.close();
});

/** A conversation with a first clip made, so the project has a draft to compare with. */
async function withClip(options: Parameters<typeof conversationFor>[1] = {}) {
  const { conversation } = conversationFor(fake, options);
  const surface = new RecordingSurface();
  const say = (text: string) => handleTurn(conversation, turn(text), surface);
  await say('make a clip');
  return { conversation, surface, say };
}

/** The bytes an SSE step puts on the wire (the fake writes exactly these). */
function wire(step: ChatStep): string {
  if ('event' in step) return `data: ${JSON.stringify(step.event)}\n\n`;
  if ('raw' in step) return step.raw;
  if ('comment' in step) return `: ${step.comment}\n\n`;
  return '';
}

describe('a stream cut at random points', () => {
  // The agent calls a tool, the tool changes the draft, then the agent says so in several chunks.
  const head = adkToolCall('add_bgm', { style: 'lo-fi' });
  const tail = [
    adkToolResult('add_bgm', { ok: true }),
    ...adkReply('Added lo-fi music and a title.', { chunks: 4 }),
  ];
  const draftAt = wire(head).length;
  const bytes = wire(head) + tail.map(wire).join('');

  /** The stream up to `cut` bytes, with the draft change in its place, then a dropped connection. */
  function cutAt(cut: number): ChatStep[] {
    const steps: ChatStep[] = [{ raw: bytes.slice(0, Math.min(cut, draftAt)) }];
    if (cut > draftAt) steps.push({ setDraft: sampleDraft() }, { raw: bytes.slice(draftAt, cut) });
    steps.push({ delayMs: 20 }, { destroy: true });
    return steps;
  }

  const random = seededRandom(20_260_703);
  const cuts = [
    0,
    draftAt,
    draftAt + 1,
    bytes.length - 1,
    ...Array.from({ length: 6 }, () => Math.floor(random() * bytes.length)),
  ];

  it.each(cuts)('cut after %i bytes: recovered from the state or reported, never re-sent', async (cut) => {
    const { conversation, surface, say } = await withClip();
    const before = surface.posted.length;
    fake.queueChat({ steps: cutAt(cut) });
    await say('add lo-fi music and a title');
    await conversation.idle();

    expect(fake.requestsTo('chat')).toHaveLength(2);
    const texts = surface.posted
      .slice(before)
      .flatMap((entry) => (entry.kind === 'text' ? [entry.text] : []));
    expect(texts).toContain(en.recovering);
    if (cut > draftAt) {
      // The change happened before the cut: the state shows it, and the person reads it.
      expect(texts.at(-1)).toMatch(/^✅ Music added: Lo-fi/m);
      expect(surface.finishes().at(-1)).toMatch(/^✅ Done in/);
    } else {
      expect(lastWord(surface)).toBe(en.errors.disconnected);
    }
    for (const text of texts) expect(text).not.toMatch(rawLeak);
    expect(unfinishedStatuses(surface)).toEqual([]);

    await say('make it shorter');
    expect(surface.texts().at(-1)).toBe('Sure! I made a 5-second clip from your photos.');
    expect(fake.requestsTo('chat')).toHaveLength(3);
  });
});

describe('other stream faults', () => {
  it('a stream of nothing but heartbeats is given up after the idle limit, and reported', async () => {
    const { conversation, surface, say } = await withClip({ nemo: { chatIdleTimeoutMs: 300 } });
    const heartbeats: ChatStep[] = Array.from({ length: 200 }, () => [
      { comment: 'keep-alive' },
      { delayMs: 20 },
    ]).flat() as ChatStep[];
    fake.queueChat({ steps: [...heartbeats, { hang: true }] });
    const started = Date.now();
    await say('make it cinematic');
    await conversation.idle();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(surface.texts()).toContain(en.recovering);
    expect(lastWord(surface)).toBe(en.errors.disconnected);
    expect(fake.requestsTo('chat')).toHaveLength(2);
    expect(unfinishedStatuses(surface)).toEqual([]);

    await say('make it shorter');
    expect(surface.texts().at(-1)).toBe('Sure! I made a 5-second clip from your photos.');
  });

  it('skips malformed events and relays the rest', async () => {
    const { surface, say } = await withClip();
    fake.queueChat({
      steps: [
        { raw: 'data: {"content": {"parts": [{"text": "half an ev\n\n' },
        { raw: 'data: <html>502</html>\n\n' },
        { raw: 'data: {"id": 1, "content": null}\n\n' },
        ...adkReply('Made it cinematic.'),
      ],
    });
    await say('make it cinematic');
    expect(surface.texts().at(-1)).toBe('Made it cinematic.');
    expect(surface.finishes().at(-1)).toMatch(/^✅ Done in/);
  });

  it('describes the change when a stream holds nothing readable at all', async () => {
    const { surface, say } = await withClip();
    fake.queueChat({
      steps: [{ raw: 'data: {not json\n\n' }, { setDraft: sampleDraft() }, { raw: 'data: ]]]\n\n' }],
    });
    await say('add a title');
    expect(surface.texts().at(-1)).toContain('✅ Title added: "Urban Dreams"');
  });

  it('relays a 10 MB tool result without trouble', async () => {
    const { surface, say } = await withClip();
    const huge = { frames: 'A'.repeat(10 * 1024 * 1024) };
    fake.queueChat({
      steps: [adkToolCall('analyze', {}), adkToolResult('analyze', huge), ...adkReply('Analysed.')],
    });
    await say('analyse the clip');
    expect(surface.texts().at(-1)).toBe('Analysed.');
    expect(surface.finishes().at(-1)).toMatch(/^✅ Done in/);
  });

  it('shortens a 10 MB answer to a few messages instead of flooding the chat', async () => {
    const { surface, say } = await withClip();
    const before = surface.texts().length;
    const sentence = 'This is a very long answer that goes on and on. ';
    fake.queueChat({ steps: [{ event: { type: 'text', content: sentence.repeat(220_000) } }] });
    await say('tell me everything');
    const posted = surface.texts().slice(before);
    expect(posted.length).toBeLessThanOrEqual(9);
    expect(posted.at(-1)).toBe(en.replyShortened);
    for (const piece of posted) expect(piece.length).toBeLessThanOrEqual(4096);
    expect(surface.finishes().at(-1)).toMatch(/^✅ Done in/);

    await say('make it shorter');
    expect(surface.texts().at(-1)).toBe('Sure! I made a 5-second clip from your photos.');
  });
});
