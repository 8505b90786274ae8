/**
 * Tolerant reading of NemoVideo's answers.
 *
 * The service wraps answers three ways — `{code, message|msg, data}`, `{success, data|error}`, or
 * a flat object — and HTTP status carries meaning too. This module turns any of them into either
 * the payload or a NemoError, and validates the payload's shape so nothing `undefined` leaks on.
 */
import type { z } from 'zod';
import { keyForCode, NemoError } from './errors.ts';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asCode(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

/** The human text of an answer, wherever the service put it. */
function messageOf(body: Json): string {
  for (const field of ['message', 'msg', 'error', 'detail', 'errorMessage']) {
    const value = body[field];
    if (typeof value === 'string' && value) return value;
    if (isObject(value) && typeof value.message === 'string') return value.message;
  }
  return '';
}

export interface RawAnswer {
  status: number;
  contentType: string;
  text: string;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Throws the NemoError an answer stands for, if it stands for one. Returns the parsed body otherwise. */
export function checkAnswer(answer: RawAnswer, context: string): unknown {
  const body = parseJson(answer.text);
  const ok = answer.status >= 200 && answer.status < 300;
  if (!isObject(body)) {
    if (!ok) {
      // A proxy's HTML error page, or an empty body: the status is all we have.
      const snippet = answer.text.replace(/\s+/g, ' ').slice(0, 120);
      throw new NemoError(`${context}: HTTP ${answer.status} ${snippet}`, {
        key: keyForCode(answer.status, snippet),
        status: answer.status,
      });
    }
    if (body === undefined) {
      throw new NemoError(`${context}: answer is not JSON (${answer.contentType || 'no content type'})`, {
        key: 'bad_answer',
        status: answer.status,
      });
    }
    return body;
  }
  const message = messageOf(body);
  const code = asCode(body.code);
  if (code !== undefined && code !== 0 && code !== 200) {
    throw new NemoError(`${context}: code ${code} ${message}`.trim(), {
      key: keyForCode(code, message),
      code,
      status: answer.status,
    });
  }
  if (!ok) {
    throw new NemoError(`${context}: HTTP ${answer.status} ${message}`.trim(), {
      key: keyForCode(answer.status, message),
      status: answer.status,
      code,
    });
  }
  if (body.success === false) {
    // Render endpoints report failure in the body with HTTP 200; the text is all there is.
    const key = /not\s*found/i.test(message) ? keyForCode(404, message) : 'bad_request';
    throw new NemoError(`${context}: ${message || 'request failed'}`, { key, status: answer.status });
  }
  return body;
}

/** The payload of an envelope: `data` when the answer is wrapped, the answer itself when flat. */
export function payloadOf(body: unknown): unknown {
  if (isObject(body) && ('code' in body || 'success' in body) && 'data' in body) return body.data;
  return body;
}

/** Validates a payload; a shape we cannot read is a typed `bad_answer`, never a crash. */
export function readPayload<T>(body: unknown, schema: z.ZodType<T>, context: string): T {
  const parsed = schema.safeParse(payloadOf(body));
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new NemoError(`${context}: unexpected answer (${where})`, { key: 'bad_answer' });
  }
  return parsed.data;
}
