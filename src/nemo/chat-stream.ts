/**
 * Chat over SSE: sends one message and yields the normalized events of the answer.
 *
 * The stream closing is its end (ADK sends no end marker). Two clocks guard it: a hard cap on the
 * whole stream, and an idle limit on time without content (heartbeats keep the connection alive
 * but do not prove progress). The generator never throws for stream failures: it yields an
 * `error` event, then `end`, so one loop handles every outcome.
 */
import { createParser } from 'eventsource-parser';
import type { ChatEvent } from './chat-events.ts';
import { ChatEventNormalizer } from './chat-events.ts';
import { fromTransportError, NemoError } from './errors.ts';
import type { CallOptions, NemoTransport } from './http.ts';

export interface ChatStreamOptions extends CallOptions {
  /** Hard cap on the whole stream. */
  timeoutMs: number;
  /** Longest time with nothing but heartbeats. */
  idleTimeoutMs: number;
}

/** Large enough for a 10 MB event, small enough that a runaway stream cannot exhaust memory. */
const maxEventChars = 32 * 1024 * 1024;
const blankLine = /\r\n\r\n|\n\n|\r\r/;

export async function* streamChat(
  transport: NemoTransport,
  sessionId: string,
  message: string,
  options: ChatStreamOptions,
): AsyncGenerator<ChatEvent, void, undefined> {
  const controller = new AbortController();
  let stopReason: NemoError | undefined;
  const stop = (reason: NemoError) => {
    stopReason ??= reason;
    controller.abort(reason);
  };
  const onCallerAbort = () => stop(new NemoError('chat cancelled', { key: 'cancelled' }));
  if (options.signal?.aborted) onCallerAbort();
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });

  const capTimer = setTimeout(
    () => stop(new NemoError(`chat stream passed its ${options.timeoutMs} ms cap`, { key: 'timeout' })),
    options.timeoutMs,
  );
  // The idle clock is one timer that, when it fires, looks at how long the stream has really been
  // without content and sleeps again for the rest. Content only notes its time: a stream of
  // thousands of events a second must not cost a timer reset each.
  let lastContentAt = performance.now();
  let idleTimer: NodeJS.Timeout | undefined;
  const watchIdle = (delayMs: number) => {
    idleTimer = setTimeout(() => {
      const quietMs = performance.now() - lastContentAt;
      if (quietMs < options.idleTimeoutMs) return watchIdle(options.idleTimeoutMs - quietMs);
      stop(
        new NemoError(`no content from the chat stream for ${options.idleTimeoutMs} ms`, { key: 'timeout' }),
      );
    }, delayMs);
  };
  watchIdle(options.idleTimeoutMs);

  const pending: ChatEvent[] = [];
  const normalizer = new ChatEventNormalizer();
  const parser = createParser({
    maxBufferSize: maxEventChars,
    onEvent: (event) => pending.push(...normalizer.accept(event.data)),
    onComment: () => pending.push({ type: 'heartbeat' }),
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') {
        stop(new NemoError(`chat event larger than ${maxEventChars} characters`, { key: 'bad_answer' }));
      }
    },
  });

  let failure: NemoError | undefined;
  let body: (AsyncIterable<Buffer> & { destroy(): void }) | undefined;
  try {
    const answer = await transport.stream(
      {
        method: 'POST',
        path: '/run_sse',
        accept: 'text/event-stream',
        bodyTimeoutMs: 0,
        json: {
          app_name: 'nemo_agent',
          user_id: 'me',
          session_id: sessionId,
          new_message: { role: 'user', parts: [{ text: message }] },
        },
      },
      { signal: controller.signal, platform: options.platform },
    );
    body = answer.body;
    const decoder = new TextDecoder();
    reading: for await (const chunk of answer.body) {
      const text = decoder.decode(chunk, { stream: true });
      parser.feed(text);
      // An empty `data:` line dispatches nothing in SSE; bytes that completed a block without
      // producing an event are exactly that keep-alive.
      if (pending.length === 0 && blankLine.test(text)) pending.push({ type: 'heartbeat' });
      for (const event of pending.splice(0)) {
        if (event.type === 'error') {
          failure = event.error;
          break reading;
        }
        if (event.type !== 'heartbeat') lastContentAt = performance.now();
        yield event;
      }
    }
    if (!failure) {
      // The stream closed: whatever the parser still holds is the last event.
      parser.reset({ consume: true });
      for (const event of pending.splice(0)) {
        if (event.type === 'error') failure ??= event.error;
        else yield event;
      }
    }
    failure ??= stopReason;
  } catch (error) {
    failure = stopReason ?? asStreamFailure(error, body !== undefined);
  } finally {
    clearTimeout(capTimer);
    clearTimeout(idleTimer);
    options.signal?.removeEventListener('abort', onCallerAbort);
    body?.destroy();
  }
  if (failure) yield { type: 'error', error: failure };
  yield { type: 'end', complete: failure === undefined };
}

/** Before the stream opened it is an ordinary request failure; after, a cut connection. */
function asStreamFailure(error: unknown, streamOpened: boolean): NemoError {
  if (error instanceof NemoError) return error;
  const failure = fromTransportError(error, 'POST /run_sse');
  if (!streamOpened || failure.key !== 'network') return failure;
  return new NemoError(`chat stream cut: ${failure.message}`, { key: 'disconnected', cause: error });
}
