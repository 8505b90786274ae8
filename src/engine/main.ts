/**
 * `npm run engine`: the local engine alone, for the bot on another machine or any other NemoVideo
 * client. Listens on ENGINE_HOST:ENGINE_PORT (loopback by default) and keeps its data in
 * ENGINE_DATA_DIR. Point a client at it with NEMO_API_URL=<the printed URL>.
 */
import { parseConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { runMain } from '../runtime.ts';
import { startEngine } from './index.ts';

await runMain(async () => {
  const config = parseConfig(process.env);
  const engine = await startEngine({
    dataDir: config.engine.dataDir,
    host: config.engine.host,
    port: config.engine.port,
    maxUploadBytes: config.nemo.uploadMaxBytes,
    logger: createLogger({ level: config.logLevel }),
  });
  process.stdout.write(`NEMO_API_URL=${engine.url}\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void engine.close());
});
