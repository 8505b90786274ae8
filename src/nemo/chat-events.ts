/**
 * Normalizes the chat stream's event shapes into one discriminated union.
 *
 * The backend is an ADK agent (camelCase events with `partial` text chunks and function calls),
 * NemoVideo's own reference describes simpler typed events, and errors arrive as `{"error": …}` or
 * `errorCode`/`errorMessage`. Consumers see only `ChatEvent`s and never the wire shapes.
 */
import { NemoError } from './errors.ts';

export type ChatEvent =
  /**
   * New text to append to the current message. `final` closes the message. `replace` says the
   * text replaces everything appended since the last final (the backend's final text disagreed
   * with its partial chunks).
   */
  | { type: 'text'; text: string; final: boolean; replace?: true }
  | { type: 'tool_call'; name: string; args: unknown }
  | { type: 'tool_result'; name: string; result: unknown }
  /** Something arrived that carries no content: the backend is alive and still working. */
  | { type: 'heartbeat' }
  /** The stream failed; always followed by `end`. */
  | { type: 'error'; error: NemoError }
  /** Always the last event. `complete` is false when an `error` came before it. */
  | { type: 'end'; complete: boolean };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function streamError(message: string, code?: unknown): ChatEvent {
  const numeric = typeof code === 'number' ? code : undefined;
  return {
    type: 'error',
    error: new NemoError(`agent error: ${message || 'unknown'}`, { key: 'stream_error', code: numeric }),
  };
}

export class ChatEventNormalizer {
  /** Text received as `partial` chunks of the message in progress. */
  #partialText = '';

  /** The events one SSE `data` payload stands for (often none, sometimes several). */
  accept(data: string): ChatEvent[] {
    const trimmed = data.trim();
    if (trimmed === '' || trimmed === '[DONE]') return [{ type: 'heartbeat' }];
    let event: unknown;
    try {
      event = JSON.parse(trimmed);
    } catch {
      // A malformed event is skipped, not fatal: the rest of the stream may be fine.
      return [];
    }
    if (!isObject(event)) return [];
    if (typeof event.type === 'string') return this.#typed(event);
    if (event.error !== undefined && event.content === undefined) {
      const error = event.error;
      return [streamError(isObject(error) ? text(error.message) : String(error))];
    }
    if (event.errorCode !== undefined || event.errorMessage !== undefined) {
      return [streamError(text(event.errorMessage) || String(event.errorCode), event.errorCode)];
    }
    return this.#adk(event);
  }

  #typed(event: Json): ChatEvent[] {
    switch (event.type) {
      case 'text':
        return [{ type: 'text', text: text(event.content) || text(event.text), final: false }];
      case 'tool_call':
        return [{ type: 'tool_call', name: text(event.name), args: event.args ?? {} }];
      case 'tool_result':
        return [{ type: 'tool_result', name: text(event.name), result: event.result }];
      case 'error':
        return [streamError(text(event.content) || text(event.message) || text(event.error))];
      default:
        return [{ type: 'heartbeat' }];
    }
  }

  #adk(event: Json): ChatEvent[] {
    const content = isObject(event.content) ? event.content : undefined;
    if (!content || !Array.isArray(content.parts)) return [{ type: 'heartbeat' }];
    // ADK files function responses under role "user"; any user text is an echo, not an answer.
    const fromModel = content.role !== 'user';
    const events: ChatEvent[] = [];
    let messageText = '';
    let hasText = false;
    for (const part of content.parts) {
      if (!isObject(part) || part.thought === true) continue;
      if (typeof part.text === 'string') {
        if (!fromModel) continue;
        messageText += part.text;
        hasText = true;
      } else if (isObject(part.functionCall)) {
        events.push({
          type: 'tool_call',
          name: text(part.functionCall.name),
          args: part.functionCall.args ?? {},
        });
      } else if (isObject(part.functionResponse)) {
        const response = part.functionResponse;
        events.push({ type: 'tool_result', name: text(response.name), result: response.response });
      }
    }
    if (hasText) events.unshift(this.#text(messageText, event.partial === true));
    return events.length > 0 ? events : [{ type: 'heartbeat' }];
  }

  /** ADK repeats the whole message in a non-partial event after its chunks: emit only what is new. */
  #text(received: string, partial: boolean): ChatEvent {
    if (partial) {
      this.#partialText += received;
      return { type: 'text', text: received, final: false };
    }
    const streamed = this.#partialText;
    this.#partialText = '';
    if (received.startsWith(streamed))
      return { type: 'text', text: received.slice(streamed.length), final: true };
    return { type: 'text', text: received, final: true, replace: true };
  }
}
