/**
 * The local render engine: a NemoVideo-compatible backend on ffmpeg, for communities without cloud
 * credits. The bot talks to it exactly as it talks to the cloud.
 */
import { mkdir } from 'node:fs/promises';
import type { BlockList } from 'node:net';
import type { Logger } from '../log.ts';
import { findFfmpeg } from './ffmpeg.ts';
import { EngineServer } from './server.ts';
import { EngineState } from './state.ts';

export interface EngineOptions {
  dataDir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  maxUploadBytes: number;
  logger: Logger;
  forbiddenAddresses?: BlockList | undefined;
}

export interface RunningEngine {
  url: string;
  close(): Promise<void>;
}

/** Starts the engine; fails with one clear message when ffmpeg is missing or too old. */
export async function startEngine(options: EngineOptions): Promise<RunningEngine> {
  const ff = await findFfmpeg();
  await mkdir(options.dataDir, { recursive: true });
  const server = new EngineServer({
    dataDir: options.dataDir,
    state: await EngineState.open(options.dataDir),
    ff,
    logger: options.logger,
    maxUploadBytes: options.maxUploadBytes,
    forbiddenAddresses: options.forbiddenAddresses,
  });
  const url = await server.listen(options.host, options.port);
  options.logger.info('local engine listening', { url, ffmpeg: ff.version });
  return { url, close: () => server.close() };
}
