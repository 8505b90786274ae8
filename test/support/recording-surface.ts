import type { Action, ReplySurface, StatusMessage, VideoReply } from '../../src/core/seam.ts';

export type Posted =
  | { kind: 'status'; id: number; text: string }
  | { kind: 'update'; id: number; text: string; at: number }
  | { kind: 'finish'; id: number; text: string }
  | { kind: 'text'; text: string; actions: Action[] }
  | { kind: 'video'; caption: string; url: string | undefined; bytes: Buffer; actions: Action[] };

/** A reply surface that records everything the core says, in order, and downloads videos it is given. */
export class RecordingSurface implements ReplySurface {
  readonly maxMessageLength: number;
  readonly posted: Posted[] = [];
  #statuses = 0;

  constructor(maxMessageLength = 4096) {
    this.maxMessageLength = maxMessageLength;
  }

  async postStatus(text: string): Promise<StatusMessage> {
    const id = ++this.#statuses;
    this.posted.push({ kind: 'status', id, text });
    return {
      update: async (next) => {
        this.posted.push({ kind: 'update', id, text: next, at: Date.now() });
      },
      finish: async (last) => {
        this.posted.push({ kind: 'finish', id, text: last });
      },
    };
  }

  async postText(text: string, actions: Action[] = []): Promise<void> {
    this.posted.push({ kind: 'text', text, actions });
  }

  async postVideo(video: VideoReply, caption: string, actions: Action[] = []): Promise<void> {
    const bytes = Buffer.concat(await Array.fromAsync(await video.open()));
    this.posted.push({ kind: 'video', caption, url: video.url, bytes, actions });
  }

  texts(): string[] {
    return this.posted.flatMap((entry) => (entry.kind === 'text' ? [entry.text] : []));
  }

  finishes(): string[] {
    return this.posted.flatMap((entry) => (entry.kind === 'finish' ? [entry.text] : []));
  }

  videos() {
    return this.posted.flatMap((entry) => (entry.kind === 'video' ? [entry] : []));
  }

  /** Everything said, as one string, for "contains" checks. */
  transcript(): string {
    return this.posted.map((entry) => ('text' in entry ? entry.text : entry.caption)).join('\n');
  }
}
