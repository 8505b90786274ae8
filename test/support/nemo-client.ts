import Keyv from 'keyv';
import { NemoClient, type NemoClientOptions } from '../../src/nemo/client.ts';

/** A client wired to a server (the fake, or the local engine) with short clocks, over an in-memory store unless one is given. */
export function clientFor(server: { url: string }, overrides: Partial<NemoClientOptions> = {}): NemoClient {
  return new NemoClient({
    apiUrl: server.url,
    webUrl: 'https://web.example',
    attribution: { source: 'test-bot', version: '9.9.9' },
    store: new Keyv(),
    uploadMaxBytes: 10 * 1024 * 1024,
    rateLimitWaitMs: 50,
    requestTimeoutMs: 2_000,
    chatTimeoutMs: 10_000,
    chatIdleTimeoutMs: 5_000,
    ...overrides,
  });
}
