/**
 * The engine's `/run_sse`: the director edits the draft, and the answer is streamed the way
 * NemoVideo's ADK agent streams it — a function call and response per edit, the reply text in
 * partial chunks, then the whole text once more, then the stream closes.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Language } from '../core/seam.ts';
import { direct } from './director.ts';
import type { EngineSession, EngineState } from './state.ts';

const hasChinese = /[\u3400-\u9fff]/;

function replyLanguage(session: EngineSession, instruction: string): Language {
  return hasChinese.test(instruction) || session.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** Splits text into a few pieces by code point, as a model streams it. */
function chunks(text: string, count: number): string[] {
  const characters = Array.from(text);
  const size = Math.max(1, Math.ceil(characters.length / count));
  const pieces: string[] = [];
  for (let at = 0; at < characters.length; at += size) pieces.push(characters.slice(at, at + size).join(''));
  return pieces;
}

export async function answerChat(
  response: ServerResponse,
  state: EngineState,
  session: EngineSession,
  instruction: string,
): Promise<void> {
  const invocationId = `inv_${randomBytes(6).toString('hex')}`;
  let sequence = 0;
  const send = (fields: Record<string, unknown>) => {
    sequence += 1;
    const event = {
      id: `evt_${sequence}`,
      invocationId,
      author: 'nemo_agent',
      timestamp: Date.now() / 1000,
      ...fields,
    };
    response.write(`data: ${JSON.stringify(event)}\n\n`);
  };
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  response.write(': working\n\n');

  const result = direct({
    instruction,
    draft: session.draft,
    media: session.media,
    language: replyLanguage(session, instruction),
  });
  for (const [index, action] of result.actions.entries()) {
    const callId = `call_${index + 1}`;
    send({
      content: {
        role: 'model',
        parts: [{ functionCall: { id: callId, name: action.name, args: action.args } }],
      },
    });
    send({
      content: {
        role: 'user',
        parts: [{ functionResponse: { id: callId, name: action.name, response: { ok: true } } }],
      },
    });
  }
  if (result.understood) await state.update(session, { draft: result.draft });
  for (const piece of chunks(result.reply, 3))
    send({ partial: true, content: { role: 'model', parts: [{ text: piece }] } });
  send({ turnComplete: true, content: { role: 'model', parts: [{ text: result.reply }] } });
  response.end();
}
