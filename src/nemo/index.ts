/**
 * The NemoVideo API client: the only interface the rest of the bot uses to reach the service.
 *
 *   const nemo = createNemoClient(config.nemo, store, logger);
 *   const session = await nemo.createSession({ taskName: 'promo', language: 'en' });
 *   await nemo.uploadFiles(session.sessionId, [fileSource('photo.jpg')]);
 *   for await (const event of nemo.chat(session.sessionId, 'make a 10 second clip')) { … }
 *   const render = await nemo.submitRender(session.sessionId, (await nemo.sessionState(session.sessionId)).draft);
 *
 * Every failure is a `NemoError` whose `key` the conversation layer turns into a message.
 */
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store.ts';
import { NemoClient } from './client.ts';

export type { TokenKind } from './auth.ts';
export type { ChatEvent } from './chat-events.ts';
export type { Credits, RenderOutput, Session, SessionState, UploadedFile } from './client.ts';
export { NemoClient } from './client.ts';
export { isNemoError, NemoError, type NemoErrorKey } from './errors.ts';
export { assertUploadable, formatList, type MediaKind, mediaKind, supportedExtensions } from './formats.ts';
export type { CallOptions } from './http.ts';
export type { UploadSource } from './multipart.ts';
export type { RenderState, RenderStatus } from './render.ts';
export { fileSource } from './sources.ts';

export function createNemoClient(config: Config['nemo'], store: Store, logger?: Logger): NemoClient {
  return new NemoClient({
    apiUrl: config.apiUrl,
    webUrl: config.webUrl,
    token: config.token,
    clientId: config.clientId,
    attribution: config.attribution,
    store,
    logger,
    uploadMaxBytes: config.uploadMaxBytes,
    rateLimitWaitMs: config.rateLimitWaitMs,
    requestTimeoutMs: config.requestTimeoutMs,
    chatTimeoutMs: config.chatTimeoutMs,
    chatIdleTimeoutMs: config.chatIdleTimeoutMs,
  });
}
