/**
 * The engine's memory: tokens it issued and the sessions (draft + uploaded media) that belong to
 * them, kept in one JSON file under the data folder. Writes are serialized and atomic (temp file,
 * then rename), so a crash never leaves half a file.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EngineDraft } from './draft.ts';
import type { MediaItem } from './media.ts';

export interface EngineSession {
  sessionId: string;
  taskId: string;
  userId: string;
  language: string;
  taskName: string;
  draft: EngineDraft | null;
  media: MediaItem[];
}

interface Saved {
  tokens: Record<string, { userId: string; expiresAt: number }>;
  sessions: Record<string, EngineSession>;
}

const tokenLifetimeMs = 7 * 24 * 60 * 60_000;

export class EngineState {
  readonly #file: string;
  #saved: Saved = { tokens: {}, sessions: {} };
  #writing: Promise<void> = Promise.resolve();

  private constructor(dataDir: string) {
    this.#file = join(dataDir, 'state.json');
  }

  static async open(dataDir: string): Promise<EngineState> {
    const state = new EngineState(dataDir);
    try {
      state.#saved = JSON.parse(await readFile(state.#file, 'utf8')) as Saved;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return state;
  }

  /** A new token for a new local user. */
  async issueToken(): Promise<{ token: string; userId: string; expiresAt: number }> {
    const token = `nmv_usr_local_${randomBytes(24).toString('hex')}`;
    const issued = {
      userId: `local_${randomBytes(8).toString('hex')}`,
      expiresAt: Date.now() + tokenLifetimeMs,
    };
    this.#saved.tokens[token] = issued;
    await this.#save();
    return { token, ...issued };
  }

  /** The user behind a valid token, or undefined. */
  userOf(token: string | undefined): string | undefined {
    const entry = token ? this.#saved.tokens[token] : undefined;
    return entry && entry.expiresAt > Date.now() ? entry.userId : undefined;
  }

  async createSession(userId: string, taskName: string, language: string): Promise<EngineSession> {
    const session: EngineSession = {
      // Digits, long like NemoVideo's: clients must keep them strings.
      sessionId: `${randomInt(1e9, 1e10 - 1)}${randomInt(1e9, 1e10 - 1)}`,
      taskId: `task_${randomBytes(8).toString('hex')}`,
      userId,
      language,
      taskName,
      draft: null,
      media: [],
    };
    this.#saved.sessions[session.sessionId] = session;
    await this.#save();
    return session;
  }

  /** The session when it exists and belongs to `userId`. */
  session(sessionId: string, userId: string): EngineSession | undefined {
    const session = this.#saved.sessions[sessionId];
    return session?.userId === userId ? session : undefined;
  }

  async update(
    session: EngineSession,
    change: Partial<Pick<EngineSession, 'draft' | 'media'>>,
  ): Promise<void> {
    Object.assign(session, change);
    await this.#save();
  }

  #save(): Promise<void> {
    const text = JSON.stringify(this.#saved);
    this.#writing = this.#writing.then(async () => {
      const temporary = `${this.#file}.${process.pid}.tmp`;
      await writeFile(temporary, text);
      await rename(temporary, this.#file);
    });
    return this.#writing;
  }
}
