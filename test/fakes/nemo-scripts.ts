/**
 * Builders for chat scripts and drafts.
 *
 * ADK events copy what Google ADK's api_server writes (camelCase, one `data:` line per event);
 * typed events copy NemoVideo's own reference. Event ids come from a counter, so a test can
 * rebuild the exact bytes of a stream from the steps it queued.
 */
import type { ChatScript, ChatStep, Draft } from './nemo-types.ts';

const INVOCATION_ID = 'inv_fake01';
const FIRST_TIMESTAMP = 1732260000;
let eventCount = 0;

function adkEvent(author: string, fields: Record<string, unknown>): ChatStep {
  eventCount += 1;
  const envelope = {
    id: `evt_${eventCount}`,
    invocationId: INVOCATION_ID,
    author,
    timestamp: FIRST_TIMESTAMP + eventCount / 10,
  };
  return { event: { ...envelope, ...fields } };
}

/**
 * A streamed model message: `partial:true` chunks of `text`, then the non-partial event that
 * repeats the whole text (ADK omits `partial` on it) with `turnComplete: true`.
 */
export function adkReply(text: string, opts: { chunks?: number; author?: string } = {}): ChatStep[] {
  const { chunks = 3, author = 'nemo_agent' } = opts;
  // Split by code points: a chunk boundary must not cut an emoji in half.
  const chars = Array.from(text);
  const size = Math.max(1, Math.ceil(chars.length / Math.max(1, chunks)));
  const steps: ChatStep[] = [];
  for (let at = 0; at < chars.length; at += size) {
    const piece = chars.slice(at, at + size).join('');
    steps.push(adkEvent(author, { partial: true, content: { role: 'model', parts: [{ text: piece }] } }));
  }
  steps.push(adkEvent(author, { turnComplete: true, content: { role: 'model', parts: [{ text }] } }));
  return steps;
}

/** ADK pairs a call with its response by `id`; pass the same `callId` to both when it matters. */
export function adkToolCall(name: string, args: unknown, callId = `call_${name}`): ChatStep {
  return adkEvent('nemo_agent', {
    content: { role: 'model', parts: [{ functionCall: { id: callId, name, args } }] },
  });
}

export function adkToolResult(name: string, response: unknown, callId = `call_${name}`): ChatStep {
  return adkEvent('nemo_agent', {
    content: { role: 'user', parts: [{ functionResponse: { id: callId, name, response } }] },
  });
}

/** ADK's stream error: the stream ends right after it. */
export function adkError(message: string): ChatStep {
  return { event: { error: message } };
}

export function typedText(text: string): ChatStep {
  return { event: { type: 'text', content: text } };
}

export function typedToolCall(name: string, args: unknown): ChatStep {
  return { event: { type: 'tool_call', name, args } };
}

export function typedToolResult(name: string, result: unknown): ChatStep {
  return { event: { type: 'tool_result', name, result } };
}

export function typedHeartbeat(): ChatStep {
  return { event: { type: 'heartbeat' } };
}

/** Video (city timelapse, 0-10 s), BGM (Lo-fi, 35 %) and title ("Urban Dreams", 0-3 s). */
export function sampleDraft(): Draft {
  return {
    t: [
      { tt: 0, sg: [{ d: 10000, m: { name: 'city timelapse' } }] },
      { tt: 1, sg: [{ d: 10000, m: { name: 'Lo-fi', volume: 0.35 } }] },
      { tt: 7, sg: [{ d: 3000, m: { text: 'Urban Dreams', start: 0 } }] },
    ],
  };
}

/** What /run_sse plays when nothing is queued: a 5-second clip appears, then the agent says so. */
export function defaultChatScript(): ChatScript {
  const clip: Draft = { t: [{ tt: 0, sg: [{ d: 5000, m: { name: 'photo clip' } }] }] };
  return { steps: [{ setDraft: clip }, ...adkReply('Sure! I made a 5-second clip from your photos.')] };
}
