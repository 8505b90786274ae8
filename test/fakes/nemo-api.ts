/** Handlers for the account and session routes: token, session, claim, upload, credits, state. */
import { createHash, randomInt } from 'node:crypto';
import { type Ctx, fail, jsonObject, ok, ownSession, randomDigits, randomHex } from './nemo-context.ts';
import type { FakeSession, RecordedPart, UploadedFile } from './nemo-types.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

const formats: Record<string, string[]> = {
  video: ['mp4', 'mov', 'avi', 'webm', 'mkv'],
  image: ['jpg', 'jpeg', 'png', 'gif', 'webp', 'heic'],
  audio: ['mp3', 'wav', 'm4a', 'aac'],
};

/** What the backend "measured" in each kind of file. */
const measures: Record<string, Partial<UploadedFile>> = {
  video: { duration: 10, width: 1920, height: 1080, fps: 30 },
  image: { width: 1920, height: 1080 },
  audio: { duration: 10 },
};

function invalidJson(ctx: Ctx): void {
  fail(ctx.res, 400, 'Invalid JSON body', 400);
}

export function anonymousToken(ctx: Ctx) {
  const clientId = ctx.request.headers['x-client-id'] || undefined;
  if (!clientId && ctx.fake.requireClientId) return fail(ctx.res, 400, 'Missing X-Client-Id', 400);
  // One client id is one anonymous user, however many tokens it asks for.
  const known = clientId
    ? [...ctx.fake.tokens.values()].find((info) => info.clientId === clientId)
    : undefined;
  const userId = known?.userId ?? `anon_${randomHex(8)}`;
  const token = ctx.fake.mintToken({ userId, clientId, expired: false, anonymous: true });
  ok(ctx.res, {
    token,
    user_id: userId,
    expires_at: new Date(Date.now() + 7 * DAY_MS).toISOString(),
    credits: 100,
  });
}

export function createSession(ctx: Ctx) {
  const body = jsonObject(ctx);
  if (!body) return invalidJson(ctx);
  const session: FakeSession = {
    sessionId: randomDigits(randomInt(16, 20)),
    taskId: `task_${randomHex(12)}`,
    token: ctx.token,
    language: typeof body.language === 'string' ? body.language : 'en',
    taskName: typeof body.task_name === 'string' ? body.task_name : '',
    draft: null,
    uploads: [],
    videoInfos: [],
  };
  ctx.fake.sessions.set(session.sessionId, session);
  ok(ctx.res, { task_id: session.taskId, session_id: session.sessionId, user_id: ctx.userId });
}

export function claimToken(ctx: Ctx) {
  const body = jsonObject(ctx);
  if (!body) return invalidJson(ctx);
  const session = ownSession(ctx, body.session_id);
  if (!session || body.task_id !== session.taskId) return fail(ctx.res, 1002, 'Session not found');
  ok(ctx.res, { claim_token: `clm_${randomHex(16)}`, expires_in: 3600 });
}

export function credits(ctx: Ctx) {
  ok(ctx.res, { ...ctx.fake.credits });
}

export function state(ctx: Ctx) {
  const session = ownSession(ctx, ctx.params.sessionId);
  if (!session) return fail(ctx.res, 1002, 'Session not found');
  ok(ctx.res, {
    state: {
      draft: session.draft,
      video_infos: session.videoInfos,
      canvas_config: { width: 1920, height: 1080 },
      generated_media: [],
      video_analyses: [],
    },
  });
}

/** Multipart parts named `files`, or JSON `{"urls":[…],"source_type":"url"}`. */
export function upload(ctx: Ctx) {
  const session = ownSession(ctx, ctx.params.sessionId);
  if (!session) return fail(ctx.res, 1002, 'Session not found');
  const sources = ctx.request.parts ? fromParts(ctx.request.parts) : fromUrls(jsonObject(ctx));
  if (sources.length === 0) return fail(ctx.res, 400, 'No valid files or URLs to upload', 400);

  const files: UploadedFile[] = [];
  for (const { filename, hash } of sources) {
    const extension = /\.([^.]+)$/.exec(filename)?.[1]?.toLowerCase() ?? '';
    const type = Object.keys(formats).find((kind) => formats[kind]?.includes(extension));
    if (!type) return fail(ctx.res, 4001, 'Unsupported file type');
    const cdn_url = `https://cdn.fake/${session.sessionId}/${hash.slice(0, 16)}/${encodeURIComponent(filename)}`;
    files.push({ filename, file_type: type, cdn_url, ...measures[type], hash });
  }
  session.uploads.push(...files);
  session.videoInfos.push(...files.map((file) => ({ ...file })));
  ok(ctx.res, { files, session_state_applied: true });
}

function fromParts(parts: RecordedPart[]): Array<{ filename: string; hash: string }> {
  return parts.flatMap((part) =>
    part.name === 'files' && part.filename !== undefined
      ? [{ filename: part.filename, hash: part.sha256 }]
      : [],
  );
}

/** Empty unless every entry is a URL. */
function fromUrls(body: Record<string, unknown> | undefined): Array<{ filename: string; hash: string }> {
  const urls = body?.urls;
  if (body?.source_type !== 'url' || !Array.isArray(urls)) return [];
  if (!urls.every((url) => typeof url === 'string' && URL.canParse(url))) return [];
  return urls.map((url: string) => ({
    filename: decodeURIComponent(new URL(url).pathname.split('/').pop() ?? ''),
    hash: createHash('sha256').update(url).digest('hex'),
  }));
}
