/** `POST /run_sse`: plays the next chat script as an ADK-style SSE stream. */
import { type Ctx, jsonObject, ownSession, sendJson, sleep, untilAborted } from './nemo-context.ts';
import type { ChatStep } from './nemo-types.ts';

export async function chat(ctx: Ctx): Promise<void> {
  const { res, signal } = ctx;
  const body = jsonObject(ctx);
  // ADK's api_server is FastAPI: a bad body is a 422, an unknown session a 404, both with `detail`.
  if (!body) return sendJson(res, 422, { detail: 'Invalid request body' });
  const session = ownSession(ctx, body.session_id);
  if (!session) return sendJson(res, 404, { detail: 'Session not found' });

  const script = ctx.fake.takeChatScript();
  if (script.json !== undefined) {
    res.writeHead(script.status ?? 200, { 'content-type': script.contentType ?? 'application/json' });
    return void res.end(JSON.stringify(script.json));
  }
  res.writeHead(script.status ?? 200, {
    'content-type': script.contentType ?? 'text/event-stream',
    'cache-control': 'no-cache',
  });
  res.flushHeaders();

  for (const step of script.steps) {
    if (signal.aborted) return;
    if ('destroy' in step) return void ctx.req.socket.destroy();
    if ('hang' in step) return untilAborted(signal);
    if ('delayMs' in step) await sleep(step.delayMs, signal);
    else if ('setDraft' in step) session.draft = structuredClone(step.setDraft);
    else res.write(frame(step));
  }
  // No end-of-stream event: closing the stream is the end.
  res.end();
}

function frame(
  step: Extract<ChatStep, { event: unknown } | { raw: string } | { comment: string } | { emptyData: true }>,
) {
  if ('event' in step) return `data: ${JSON.stringify(step.event)}\n\n`;
  if ('raw' in step) return step.raw;
  if ('comment' in step) return `: ${step.comment}\n\n`;
  return 'data:\n\n';
}
