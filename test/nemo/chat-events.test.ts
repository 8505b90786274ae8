import { describe, expect, it } from 'vitest';
import { type ChatEvent, ChatEventNormalizer } from '../../src/nemo/chat-events.ts';

function normalize(...payloads: unknown[]): ChatEvent[] {
  const normalizer = new ChatEventNormalizer();
  return payloads.flatMap((payload) =>
    normalizer.accept(typeof payload === 'string' ? payload : JSON.stringify(payload)),
  );
}

const adkText = (text: string, partial: boolean) => ({
  id: 'e1',
  invocationId: 'i1',
  author: 'nemo_agent',
  partial,
  content: { role: 'model', parts: [{ text }] },
});

describe('chat event normalizer', () => {
  it('passes partial chunks and drops the repeated final text', () => {
    const events = normalize(adkText('Hello ', true), adkText('world', true), adkText('Hello world', false));
    expect(events).toEqual([
      { type: 'text', text: 'Hello ', final: false },
      { type: 'text', text: 'world', final: false },
      { type: 'text', text: '', final: true },
    ]);
  });

  it('emits a final-only message whole', () => {
    expect(normalize(adkText('Done.', false))).toEqual([{ type: 'text', text: 'Done.', final: true }]);
  });

  it('replaces streamed chunks when the final text disagrees with them', () => {
    const events = normalize(adkText('Helo', true), adkText('Hello there', false));
    expect(events[1]).toEqual({ type: 'text', text: 'Hello there', final: true, replace: true });
  });

  it('reads ADK function calls and responses', () => {
    const events = normalize({
      content: {
        role: 'model',
        parts: [
          { functionCall: { id: 'c1', name: 'add_bgm', args: { style: 'lofi' } } },
          { functionResponse: { id: 'c1', name: 'add_bgm', response: { ok: true } } },
        ],
      },
    });
    expect(events).toEqual([
      { type: 'tool_call', name: 'add_bgm', args: { style: 'lofi' } },
      { type: 'tool_result', name: 'add_bgm', result: { ok: true } },
    ]);
  });

  it('reads the typed event shapes', () => {
    expect(
      normalize(
        { type: 'text', content: 'Working on it' },
        { type: 'tool_call', name: 'render', args: {} },
        { type: 'tool_result', name: 'render', result: 'ok' },
        { type: 'heartbeat' },
      ),
    ).toEqual([
      { type: 'text', text: 'Working on it', final: false },
      { type: 'tool_call', name: 'render', args: {} },
      { type: 'tool_result', name: 'render', result: 'ok' },
      { type: 'heartbeat' },
    ]);
  });

  it('turns both error shapes into stream errors', () => {
    const [adk] = normalize({ error: 'quota exceeded' });
    const [coded] = normalize({ errorCode: 'MODEL_ERROR', errorMessage: 'model overloaded' });
    expect(adk).toMatchObject({ type: 'error', error: { key: 'stream_error' } });
    expect(adk?.type === 'error' && adk.error.message).toContain('quota exceeded');
    expect(coded?.type === 'error' && coded.error.message).toContain('model overloaded');
  });

  it('treats empty and content-free events as heartbeats and skips malformed JSON and thoughts', () => {
    expect(
      normalize('', '{"partial":true}', '{not json', {
        content: { role: 'model', parts: [{ thought: true, text: 'hmm' }] },
      }),
    ).toEqual([{ type: 'heartbeat' }, { type: 'heartbeat' }, { type: 'heartbeat' }]);
  });

  it('ignores echoed user messages', () => {
    expect(normalize({ content: { role: 'user', parts: [{ text: 'make a video' }] } })).toEqual([
      { type: 'heartbeat' },
    ]);
  });
});
