/**
 * Runs the fake NemoVideo server on its own, for trying the bot by hand:
 *
 *   node test/fakes/serve.ts            # prints NEMO_API_URL=http://127.0.0.1:<port>
 *   node test/fakes/serve.ts 8787       # on a fixed port
 *
 * It answers like the tests' fake: the default chat makes a 5-second clip, renders complete after
 * a few status polls. Stop it with Ctrl-C.
 */
import { startFakeNemo } from './nemo-server.ts';

const fake = await startFakeNemo({ port: Number(process.argv[2] ?? 0) });
process.stdout.write(`NEMO_API_URL=${fake.url}\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void fake.close());
