/** What `npm start` needs from a platform adapter once it runs. */
import type { Platform } from '../src/core/seam.ts';
import type { Runtime } from '../src/runtime.ts';

export interface RunningAdapter {
  readonly platform: Platform;
  /** Disconnects from the platform; called after the conversation has shut down its running work. */
  stop(): Promise<void>;
}

export type AdapterStarter = (runtime: Runtime) => Promise<RunningAdapter>;
