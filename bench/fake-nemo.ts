/**
 * The tests' fake NemoVideo in a helper process of its own, with what the benchmarks ask of it:
 *
 * - `arrivals`: the process.hrtime of every `/run_sse` request's arrival since the last call, taken
 *   when the request's head has been parsed (before its body is read). On Linux process.hrtime is
 *   CLOCK_MONOTONIC, one clock for every process on the machine, so these compare directly with
 *   the bot's own process.hrtime readings.
 * - `clock`: this process's process.hrtime now (to check the shared clock).
 * - `streamChats`: every chat from now on is `seconds` of heartbeats, then a draft and `answer`;
 *   renders complete at their first status poll.
 * - `queueSse`: queues one chat stream of `events` ADK partial text events (plus the final event).
 * - `issueToken`, `sessions`, `uploadParts` (the parts of the uploads since the last call).
 *
 *   node bench/fake-nemo.ts      (started by the benchmarks through ipc.ts)
 */
import {
  adkReply,
  type ChatScript,
  type ChatStep,
  type RecordedPart,
  sampleDraft,
  startFakeNemo,
} from '../test/fakes/nemo-server.ts';
import { serveHelper } from './ipc.ts';

const fake = await startFakeNemo();
let arrivals: bigint[] = [];
fake.onArrival = (_method, path) => {
  if (path === '/run_sse') arrivals.push(process.hrtime.bigint());
};

let sse: { script: ChatScript; bytes: number; events: number } | undefined;

serveHelper(fake.url, {
  arrivals: () => {
    const taken = arrivals;
    arrivals = [];
    return taken;
  },
  clock: () => process.hrtime.bigint(),
  issueToken: () => fake.issueToken(),
  sessions: () => [...fake.sessions.keys()],
  uploadParts: () => {
    const parts: RecordedPart[] = fake.requestsTo('upload').flatMap((request) => request.parts ?? []);
    fake.requests.length = 0;
    return parts;
  },
  streamChats: (args: { seconds: number; heartbeatMs: number; answer: string }) => {
    const steps: ChatStep[] = [];
    for (let waited = 0; waited < args.seconds * 1000; waited += args.heartbeatMs) {
      steps.push({ comment: 'ping' }, { delayMs: Math.min(args.heartbeatMs, args.seconds * 1000 - waited) });
    }
    steps.push({ setDraft: sampleDraft() }, ...adkReply(args.answer));
    fake.defaultChat = { steps };
    fake.render = { shape: 'top', statuses: ['completed'], urlReachable: true };
    fake.requests.length = 0;
  },
  queueSse: (args: { events: number }) => {
    if (sse?.events !== args.events) sse = sseScript(args.events);
    fake.queueChat(sse.script);
    fake.requests.length = 0;
    return { bytes: sse.bytes, events: sse.events };
  },
});

/**
 * `events` partial text events shaped as Google ADK's api_server writes them (one `data:` line each,
 * with the `actions` block it always includes), then the final event that repeats the whole text.
 * The bytes are written in 64 KiB pieces, so the server costs little next to the client reading.
 */
function sseScript(events: number): { script: ChatScript; bytes: number; events: number } {
  const frames: string[] = [];
  const words: string[] = [];
  const actions = { stateDelta: {}, artifactDelta: {}, requestedAuthConfigs: {} };
  for (let index = 0; index < events; index += 1) {
    const text = `word${index % 1000} `;
    words.push(text);
    frames.push(
      `data: ${JSON.stringify({
        content: { parts: [{ text }], role: 'model' },
        partial: true,
        invocationId: 'e-4f1c2a7b-9d3e-4b8a-a1c6-2f5e8d9b0c3a',
        author: 'nemo_agent',
        actions,
        id: `evt-${index.toString(36).padStart(8, '0')}`,
        timestamp: 1732260000 + index / 1000,
      })}\n\n`,
    );
  }
  frames.push(
    `data: ${JSON.stringify({
      content: { parts: [{ text: words.join('') }], role: 'model' },
      turnComplete: true,
      invocationId: 'e-4f1c2a7b-9d3e-4b8a-a1c6-2f5e8d9b0c3a',
      author: 'nemo_agent',
      actions,
      id: 'evt-final',
      timestamp: 1732260000 + events / 1000,
    })}\n\n`,
  );
  const body = frames.join('');
  const steps: ChatStep[] = [];
  const piece = 64 * 1024;
  for (let at = 0; at < body.length; at += piece) steps.push({ raw: body.slice(at, at + piece) });
  return { script: { steps }, bytes: Buffer.byteLength(body), events: events + 1 };
}
