/**
 * How fast the bot reads a chat stream, against eventsource-parser alone. Both read the same bytes
 * from the same fake NemoVideo (in a helper process) over the same transport, an undici request to
 * `/run_sse`: the bot through NemoClient.chat (src/nemo/chat-stream.ts streamChat: decoding,
 * eventsource-parser, the ADK event normalizer with its JSON parse, the idle clock, an async
 * generator yielding each event), the baseline by feeding the decoded chunks to eventsource-parser
 * and counting its events.
 */
import { createParser } from 'eventsource-parser';
import Keyv from 'keyv';
import { Agent, request } from 'undici';
import { NemoClient } from '../src/nemo/client.ts';
import { Helper } from './ipc.ts';
import { MB, round } from './support.ts';

export interface SseResult {
  /** SSE events per stream (the partial text events and the final one). */
  events: number;
  megabytes: number;
  rounds: number;
  /** Events per second of each run, in order. */
  bot: number[];
  parser: number[];
  /** eventsource-parser and JSON.parse of each event's data: the least any reader of the content does. */
  parserJson: number[];
  /** The bot's best rate over the parser's best (the target). */
  ratio: number;
  /** The bot's best rate over the best parser-and-JSON.parse rate. */
  ratioToJson: number;
  /** Best parser-and-JSON.parse rate over the best parser rate: the most any reader of the content can do. */
  jsonToParser: number;
  method: string;
}

export async function benchSse(options: { events: number; rounds: number }): Promise<SseResult> {
  const fake = await Helper.start<string>(new URL('./fake-nemo.ts', import.meta.url));
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  try {
    const token = await fake.call<string>('issueToken');
    const client = new NemoClient({
      apiUrl: fake.ready,
      webUrl: 'https://web.example',
      token,
      attribution: { source: 'bench', version: '0.0.0' },
      store: new Keyv(),
      uploadMaxBytes: 500 * MB,
      rateLimitWaitMs: 30_000,
      requestTimeoutMs: 60_000,
      // The configured defaults: a 15-minute cap and a 10-minute idle limit.
      chatTimeoutMs: 15 * 60_000,
      chatIdleTimeoutMs: 10 * 60_000,
    });
    try {
      const { sessionId } = await client.createSession({ taskName: 'bench', language: 'en' });
      let stream = { bytes: 0, events: 0 };
      const queue = async () => {
        stream = await fake.call<{ bytes: number; events: number }>('queueSse', { events: options.events });
        return stream;
      };

      const byBot = async (): Promise<number> => {
        const { events } = await queue();
        let texts = 0;
        const started = performance.now();
        for await (const event of client.chat(sessionId, 'go')) {
          if (event.type === 'text') texts += 1;
          else if (event.type === 'error') throw event.error;
        }
        const seconds = (performance.now() - started) / 1000;
        if (texts !== events) throw new Error(`the bot yielded ${texts} texts for ${events} events`);
        return events / seconds;
      };

      /** eventsource-parser alone; with `decodeJson`, each event's data also goes through JSON.parse. */
      const byParser = async (decodeJson: boolean): Promise<number> => {
        const { events } = await queue();
        let parsed = 0;
        const parser = createParser({
          onEvent: decodeJson
            ? (event) => {
                if (JSON.parse(event.data) !== null) parsed += 1;
              }
            : () => {
                parsed += 1;
              },
        });
        const started = performance.now();
        const response = await request(`${fake.ready}/run_sse`, {
          method: 'POST',
          dispatcher: agent,
          headers: {
            accept: 'text/event-stream',
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({
            app_name: 'nemo_agent',
            user_id: 'me',
            session_id: sessionId,
            new_message: { role: 'user', parts: [{ text: 'go' }] },
          }),
        });
        const decoder = new TextDecoder();
        for await (const chunk of response.body) parser.feed(decoder.decode(chunk, { stream: true }));
        const seconds = (performance.now() - started) / 1000;
        if (parsed !== events) throw new Error(`eventsource-parser parsed ${parsed} of ${events} events`);
        return events / seconds;
      };

      // One of each to warm up, then the three in turn.
      await byBot();
      await byParser(false);
      await byParser(true);
      const bot: number[] = [];
      const parser: number[] = [];
      const parserJson: number[] = [];
      for (let run = 0; run < options.rounds; run += 1) {
        bot.push(await byBot());
        parser.push(await byParser(false));
        parserJson.push(await byParser(true));
      }
      const { bytes, events } = stream;
      return {
        events,
        megabytes: round(bytes / MB),
        rounds: options.rounds,
        bot: bot.map((rate) => Math.round(rate)),
        parser: parser.map((rate) => Math.round(rate)),
        parserJson: parserJson.map((rate) => Math.round(rate)),
        ratio: round(best(bot) / best(parser), 2),
        ratioToJson: round(best(bot) / best(parserJson), 2),
        jsonToParser: round(best(parserJson) / best(parser), 2),
        method:
          `A stream of ${events - 1} ADK partial text events (as Google ADK's api_server writes them, ` +
          `\`actions\` block included) and the final event repeating the whole text, ${round(bytes / MB)} MB, ` +
          'served by the fake NemoVideo in a helper process in 64 KiB writes. Bot: `for await` over ' +
          "NemoClient.chat (the client's own undici Agent), counting the text events. Baseline: an undici " +
          'request to the same route, its chunks decoded and fed to eventsource-parser, counting the events ' +
          '(no JSON parsing). Reference: the same with JSON.parse of each event, the least any reader of the ' +
          "events' content must do. Each timed from the request to the stream's end; one warm-up of each, " +
          `then ${options.rounds} rounds of the three in turn; ratios are of each one's best run, so a busy ` +
          'neighbour on a shared host does not decide them.',
      };
    } finally {
      await client.close();
    }
  } finally {
    await agent.close();
    fake.close();
  }
}

function best(rates: number[]): number {
  return Math.max(...rates);
}
