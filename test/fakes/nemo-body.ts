/** Reads a request body into the fields a RecordedRequest keeps, without buffering uploads. */
import type { IncomingMessage } from 'node:http';
import { multipartBoundary } from '../../src/engine/multipart.ts';
import { PartRecorder } from './nemo-multipart.ts';
import type { RecordedRequest } from './nemo-types.ts';

const TEXT_LIMIT = 1024 * 1024;

export interface ReadBody {
  fields: Pick<RecordedRequest, 'json' | 'text' | 'parts' | 'bodyBytes'>;
  /** A multipart body that did not parse; the request answers 400. */
  malformed: boolean;
}

export async function readBody(req: IncomingMessage): Promise<ReadBody> {
  const contentType = req.headers['content-type'] ?? '';
  const boundary = multipartBoundary(contentType);
  const parser = boundary ? new PartRecorder(boundary) : undefined;
  let bodyBytes = 0;
  let malformed = false;
  const kept: Buffer[] = [];
  let keptBytes = 0;

  for await (const chunk of req as AsyncIterable<Buffer>) {
    bodyBytes += chunk.length;
    if (parser) {
      // After a parse error keep draining, so the client gets the 400 instead of a reset.
      if (!malformed) {
        try {
          parser.write(chunk);
        } catch {
          malformed = true;
        }
      }
    } else if (keptBytes < TEXT_LIMIT) {
      const piece = chunk.subarray(0, TEXT_LIMIT - keptBytes);
      kept.push(piece);
      keptBytes += piece.length;
    }
  }

  if (parser) return { fields: { bodyBytes, parts: parser.parts }, malformed: malformed || !parser.complete };
  if (bodyBytes === 0) return { fields: { bodyBytes }, malformed: false };
  const text = Buffer.concat(kept).toString('utf8');
  if (/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType) && bodyBytes <= TEXT_LIMIT) {
    try {
      return { fields: { bodyBytes, json: JSON.parse(text) }, malformed: false };
    } catch {
      // Not JSON after all: keep it as text, the route answers 400.
    }
  }
  return { fields: { bodyBytes, text }, malformed: false };
}
