/**
 * NemoVideo misbehaving on every endpoint the bot uses: a burst of 5xx, a proxy's HTML 502 page, an
 * answer that never comes, malformed JSON, a redirect. Each case runs the turn that reaches the
 * endpoint through the real core and client against the fake, then checks the person got a clear
 * answer (or the work done anyway, where the bot can absorb the fault), that no status was left
 * "working", and that the session is still usable: with the fault gone, the same turn succeeds.
 */
import { describe, it } from 'vitest';
import { handleTurn } from '../../commands/index.ts';
import { messages } from '../../src/core/messages.ts';
import type { Attachment } from '../../src/core/seam.ts';
import type { NemoErrorKey } from '../../src/nemo/index.ts';
import { type FakeNemo, type Fault, type RouteName, startFakeNemo } from '../fakes/nemo-server.ts';
import { conversationFor, memoryFile, turn } from '../support/core.ts';
import { errorSentences, lastWord, rawLeak, unfinishedStatuses, until } from '../support/faults.ts';
import { RecordingSurface } from '../support/recording-surface.ts';

const en = messages('en');
/** Requests give up after this long; a timed-out endpoint answers only after `hangMs`. */
const requestTimeoutMs = 250;
const hangMs = 5_000;

type FaultKind = '5xx burst' | 'HTML 502' | 'timeout' | 'malformed JSON' | 'redirect';

/** Each fault, and how many requests in a row it hits. */
const faults: Record<FaultKind, { fault: Fault; times: number }> = {
  '5xx burst': { fault: { status: 503, json: { code: 503, message: 'Service Unavailable' } }, times: 3 },
  'HTML 502': {
    fault: {
      status: 502,
      contentType: 'text/html',
      body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>',
    },
    times: 1,
  },
  timeout: { fault: { delayMs: hangMs }, times: 1 },
  'malformed JSON': {
    fault: { status: 200, contentType: 'application/json', body: '{"code":0,"data":{"task_id":"t1",' },
    times: 1,
  },
  // Resolved against each request's own URL: the same endpoint, through the "proxy".
  redirect: { fault: { redirect: '?via=proxy', status: 307 }, times: 1 },
};

/** What a fault of each kind is told as, unless the endpoint absorbs it. */
const toldAs: Record<FaultKind, NemoErrorKey | undefined> = {
  '5xx burst': 'server',
  'HTML 502': 'server',
  timeout: 'timeout',
  'malformed JSON': 'bad_answer',
  redirect: undefined,
};

interface Bot {
  fake: FakeNemo;
  surface: RecordingSurface;
  say(text: string, attachments?: Attachment[]): Promise<void>;
  conversation: ReturnType<typeof conversationFor>['conversation'];
}

interface RouteCase {
  route: RouteName;
  /** Names the case when one endpoint is reached two ways. */
  label?: string;
  /** What the project needs before the fault (usually a first clip, so a session exists). */
  setup?(bot: Bot): Promise<void>;
  /** The turn the fault hits; run again once the fault is gone. */
  act(bot: Bot): Promise<void>;
  /** Whether the work of `act` got done (read from what the person was sent). */
  done(bot: Bot): boolean;
  /** Fault kinds the bot works around: the work still gets done. */
  absorbs?: FaultKind[];
  /** Answers that differ from `toldAs` for this endpoint. */
  tells?: Partial<Record<FaultKind, NemoErrorKey>>;
  /** The turn that shows the session still works, when it is not `act` again. */
  followUp?: { act(bot: Bot): Promise<void>; done(bot: Bot): boolean };
}

const makeClip = (bot: Bot) => bot.say('make a clip');
const replied = (bot: Bot) => bot.surface.texts().some((text) => text.startsWith('Sure!'));
const delivered = (bot: Bot) => bot.surface.videos().some((video) => video.bytes.equals(bot.fake.mp4));
const photo = () => memoryFile('photo.jpg', 4096, 'image/jpeg');
const linkedPhoto = (): Attachment => ({ ...photo(), shareableUrl: 'https://cdn.example/att/photo.jpg' });

const routes: RouteCase[] = [
  { route: 'anonymousToken', act: makeClip, done: replied },
  { route: 'createSession', act: makeClip, done: replied },
  {
    route: 'upload',
    setup: makeClip,
    act: (bot) => bot.say('use this photo', [photo()]),
    done: (bot) => bot.surface.texts().some((text) => text.startsWith('📎 Added 1 file(s)')),
  },
  {
    // Discord's files go as URLs first; a failure falls back to streaming the bytes.
    route: 'upload',
    label: 'upload by URL',
    setup: makeClip,
    act: (bot) => bot.say('use this photo', [linkedPhoto()]),
    done: (bot) => bot.surface.texts().some((text) => text.startsWith('📎 Added 1 file(s)')),
    absorbs: ['HTML 502', 'timeout', 'malformed JSON'],
  },
  {
    route: 'state',
    setup: makeClip,
    act: (bot) => bot.say('/status'),
    done: (bot) => bot.surface.texts().some((text) => text.startsWith('Timeline (1 track)')),
  },
  {
    route: 'chat',
    setup: makeClip,
    act: (bot) => bot.say('add some music'),
    done: (bot) => bot.surface.texts().filter((text) => text.startsWith('Sure!')).length >= 2,
    // No answer in time: the request may be running, so it is never re-sent; the state is watched.
    tells: { timeout: 'disconnected' },
  },
  {
    route: 'credits',
    act: (bot) => bot.say('/credits'),
    done: (bot) => bot.surface.texts().some((text) => text.startsWith('💳 Credits: 100 available')),
  },
  {
    route: 'claimToken',
    setup: makeClip,
    act: (bot) => bot.say('/link'),
    done: (bot) => bot.surface.texts().some((text) => /workspace\/claim\?ct=clm_/.test(text)),
  },
  { route: 'renderSubmit', setup: makeClip, act: (bot) => bot.say('/export'), done: delivered },
  {
    // Status reads are repeated until the render's deadline, so passing faults do not stop it.
    route: 'renderStatus',
    setup: makeClip,
    act: (bot) => bot.say('/export'),
    done: delivered,
    absorbs: ['5xx burst', 'HTML 502', 'timeout'],
  },
  {
    route: 'renderCancel',
    setup: async (bot) => {
      await makeClip(bot);
      bot.fake.render = { ...bot.fake.render, statuses: ['processing'] };
    },
    act: async (bot) => {
      const exporting = bot.say('/export');
      const polled = bot.fake.requestsTo('renderStatus').length;
      await until('a status poll', () => bot.fake.requestsTo('renderStatus').length > polled);
      await bot.say('/cancel');
      await exporting;
    },
    // A failed cancel changes nothing for the person: the render is stopped for them either way.
    done: (bot) => bot.surface.finishes().at(-1) === en.errors.cancelled,
    absorbs: ['5xx burst', 'HTML 502', 'timeout', 'malformed JSON'],
    followUp: { act: (bot) => bot.say('/export'), done: delivered },
  },
  {
    // The output URL (a CDN link): on any failure the authorized download route takes over.
    route: 'renderFile',
    setup: makeClip,
    act: (bot) => bot.say('/export'),
    done: delivered,
    absorbs: ['5xx burst', 'HTML 502', 'timeout', 'malformed JSON'],
  },
  {
    route: 'renderDownload',
    setup: async (bot) => {
      await makeClip(bot);
      bot.fake.render = { ...bot.fake.render, urlReachable: false };
    },
    act: (bot) => bot.say('/export'),
    done: delivered,
  },
];

function bot(fake: FakeNemo): Bot {
  const { conversation } = conversationFor(fake, { nemo: { requestTimeoutMs } });
  const surface = new RecordingSurface();
  return {
    fake,
    surface,
    conversation,
    say: (text, attachments = []) => handleTurn(conversation, turn(text, { attachments }), surface),
  };
}

const cases = routes.flatMap((routeCase) =>
  (Object.keys(faults) as FaultKind[]).map(
    (kind) => [routeCase.label ?? routeCase.route, kind, routeCase] as const,
  ),
);

// Each case has its own fake, so they run side by side (a timeout case waits most of a second).
describe('NemoVideo faults on every endpoint', () => {
  it.concurrent.for(cases)(
    '%s, %s: a clear answer, then a usable session',
    async ([, kind, routeCase], { expect, onTestFinished }) => {
      const fake = await startFakeNemo();
      onTestFinished(() => fake.close());
      const running = bot(fake);
      const { surface } = running;
      await routeCase.setup?.(running);
      const before = surface.posted.length;
      const { fault, times } = faults[kind];
      fake.failNext(routeCase.route, fault, times);
      const started = Date.now();
      await routeCase.act(running);
      await running.conversation.idle();

      expect(fake.requestsTo(routeCase.route).length).toBeGreaterThan(0);
      // Nothing hangs on an endpoint that never answers.
      expect(Date.now() - started).toBeLessThan(hangMs - 1_000);
      const said = surface.posted
        .slice(before)
        .map((entry) => ('text' in entry ? entry.text : entry.caption));
      for (const line of said) expect(line).not.toMatch(rawLeak);
      expect(unfinishedStatuses(surface)).toEqual([]);

      const absorbed = routeCase.absorbs?.includes(kind) || toldAs[kind] === undefined;
      if (absorbed) {
        expect(routeCase.done(running)).toBe(true);
        // (Stopping the render is what /cancel asked for: that one is not a failure.)
        const failures = said.filter((line) => errorSentences.has(line) && line !== en.errors.cancelled);
        expect(failures).toEqual([]);
      } else {
        const key = routeCase.tells?.[kind] ?? (toldAs[kind] as NemoErrorKey);
        expect(lastWord(surface)).toBe(en.errors[key]);
        if (routeCase.route !== 'renderCancel') expect(routeCase.done(running)).toBe(false);
      }

      // The burst is over: the same turn works, in the same project.
      fake.clearFaults();
      fake.render = { shape: 'top', statuses: ['pending', 'processing', 'completed'], urlReachable: true };
      const followUp = routeCase.followUp ?? routeCase;
      await followUp.act(running);
      await running.conversation.idle();
      expect(followUp.done(running)).toBe(true);
      // Never a second project: the fault did not cost the person theirs.
      expect(fake.sessions.size).toBeLessThanOrEqual(1);
      expect(unfinishedStatuses(surface)).toEqual([]);
    },
  );
});
