import { Readable } from 'node:stream';
import Keyv from 'keyv';
import type { AccessRules } from '../../src/core/access.ts';
import { Conversation, type ConversationOptions } from '../../src/core/conversation.ts';
import type { Attachment, Platform, Turn } from '../../src/core/seam.ts';
import { createLogger } from '../../src/log.ts';
import type { NemoClientOptions } from '../../src/nemo/client.ts';
import type { FakeNemo } from '../fakes/nemo-server.ts';
import { clientFor } from './nemo-client.ts';

export const openAccess: AccessRules = {
  allowedUsers: [],
  allowedChats: [],
  adminUsers: [],
  adminCommands: [],
  dailyRequestLimit: 0,
};

export interface CoreSetup {
  store?: Keyv;
  access?: Partial<AccessRules>;
  conversation?: Partial<ConversationOptions>;
  nemo?: Partial<NemoClientOptions>;
}

/** A conversation over the fake with clocks short enough for tests; log lines are kept for inspection. */
export function conversationFor(fake: FakeNemo, setup: CoreSetup = {}) {
  const store = setup.store ?? new Keyv();
  const logLines: string[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => logLines.push(line) });
  const nemo = clientFor(fake, { store, logger, ...setup.nemo });
  const conversation = new Conversation({
    nemo,
    store,
    logger,
    progressIntervalMs: 40,
    renderPollIntervalMs: 20,
    renderTimeoutMs: 5_000,
    recovery: { firstCheckMs: 30, intervalMs: 30, checks: 3 },
    access: { ...openAccess, ...setup.access },
    maxConcurrentOperations: 4,
    ...setup.conversation,
  });
  return { conversation, nemo, store, logLines };
}

export function turn(text: string, options: Partial<Turn> & { locale?: string } = {}): Turn {
  const { locale, ...rest } = options;
  return {
    platform: 'console' as Platform,
    channel: 'console:test',
    person: { id: 'u1', displayName: 'Ada', locale: locale ?? 'en-US' },
    text,
    attachments: [],
    ...rest,
  };
}

export function memoryFile(name: string, size = 2048, mimeType?: string): Attachment {
  const data = Buffer.alloc(size, 7);
  return { name, mimeType, size, open: async () => Readable.from([data]) };
}
