import Keyv from 'keyv';
import { NemoClient, type NemoClientOptions } from '../../src/nemo/client.ts';
import type { FakeNemo } from '../fakes/nemo-server.ts';

/** A client wired to the fake with short clocks, over an in-memory store unless one is given. */
export function clientFor(fake: FakeNemo, overrides: Partial<NemoClientOptions> = {}): NemoClient {
  return new NemoClient({
    apiUrl: fake.url,
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
