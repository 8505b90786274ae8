/** Handlers for the render routes: submit, status (three documented shapes), cancel, download, file. */
import { type Ctx, jsonObject, ownSession, send, sendJson } from './nemo-context.ts';
import type { FakeRender, RenderStatus } from './nemo-types.ts';

const progressOf: Record<Exclude<RenderStatus, 'failed'>, number> = {
  pending: 0,
  processing: 50,
  completed: 100,
};

/** ~64 KB that starts like an MP4 (an `ftyp` box, then one `mdat` box), so sniffers accept it. */
export function fakeMp4(size = 64 * 1024): Buffer {
  const mp4 = Buffer.alloc(size);
  mp4.writeUInt32BE(32, 0);
  mp4.write('ftypisom', 4, 'latin1');
  mp4.writeUInt32BE(0x200, 12);
  mp4.write('isomiso2avc1mp41', 16, 'latin1');
  mp4.writeUInt32BE(size - 32, 32);
  mp4.write('mdat', 36, 'latin1');
  for (let at = 40; at < size; at++) mp4[at] = (at * 31) & 0xff;
  return mp4;
}

export function renderSubmit(ctx: Ctx) {
  const { fake, res } = ctx;
  if (fake.requireAttribution && !ctx.request.headers['x-skill-source']) {
    return sendJson(res, 402, {
      success: false,
      error: 'Export is not available on this plan (no skill attribution)',
    });
  }
  const body = jsonObject(ctx);
  const id = body?.id;
  if (typeof id !== 'string' || id === '' || typeof body?.draft !== 'object' || body.draft === null) {
    return sendJson(res, 400, { success: false, error: 'A render needs an id and a draft' });
  }
  const session = ownSession(ctx, body.sessionId);
  if (!session) return sendJson(res, 404, { success: false, error: 'Session not found' });
  if (fake.renders.has(id)) return sendJson(res, 409, { success: false, error: 'Render id already exists' });

  fake.renders.set(id, {
    id,
    sessionId: session.sessionId,
    draft: body.draft,
    output: body.output,
    status: 'pending',
    progress: 0,
    polls: 0,
    cancelled: false,
    plan: structuredClone(fake.render),
    createdAt: new Date().toISOString(),
  });
  sendJson(res, 200, { success: true, data: { id, status: 'pending', progress: 0 } });
}

/** Each poll moves the render one step along its plan. */
export function renderStatus(ctx: Ctx) {
  const render = findRender(ctx);
  if (!render) return;
  const { statuses } = render.plan;
  const status = render.cancelled
    ? 'failed'
    : (statuses[Math.min(render.polls, statuses.length - 1)] ?? 'pending');
  render.polls += 1;
  render.status = status;
  if (status !== 'failed') render.progress = progressOf[status];

  const { id, progress, createdAt } = render;
  const finished = status === 'completed' || status === 'failed';
  const outputUrl = status === 'completed' ? `${ctx.fake.url}/files/${encodeURIComponent(id)}.mp4` : null;
  const error =
    status !== 'failed'
      ? null
      : render.cancelled
        ? 'cancelled'
        : (render.plan.failureMessage ?? 'Render failed');
  const completedAt = finished ? new Date().toISOString() : null;

  switch (render.plan.shape) {
    case 'top':
      return sendJson(ctx.res, 200, {
        id,
        status,
        progress,
        ...(outputUrl ? { output: { url: outputUrl, duration: 10, size: ctx.fake.mp4.length } } : {}),
        ...(error ? { error } : {}),
      });
    case 'data':
      return sendJson(ctx.res, 200, {
        success: true,
        data: { status, progress, outputUrl, createdAt, completedAt, ...(error ? { error } : {}) },
      });
    case 'flat':
      return sendJson(ctx.res, 200, { status, progress, outputUrl, error });
  }
}

export function renderCancel(ctx: Ctx) {
  const render = findRender(ctx);
  if (!render) return;
  render.cancelled = true;
  sendJson(ctx.res, 200, { success: true, data: { id: render.id, status: 'cancelled' } });
}

export function renderDownload(ctx: Ctx) {
  const render = findRender(ctx);
  if (!render) return;
  if (render.status !== 'completed')
    return sendJson(ctx.res, 409, { success: false, error: 'Render not completed' });
  send(ctx.res, 200, ctx.fake.mp4, 'video/mp4');
}

/** The output URL: a signed CDN link in real life, so errors come the way a bucket words them. */
export function renderFile(ctx: Ctx) {
  const render = ctx.fake.renders.get(ctx.params.id ?? '');
  if (render?.status !== 'completed')
    return send(ctx.res, 404, '<Error><Code>NoSuchKey</Code></Error>', 'application/xml');
  if (!render.plan.urlReachable) {
    return send(ctx.res, 403, '<Error><Code>AccessDenied</Code></Error>', 'application/xml');
  }
  send(ctx.res, 200, ctx.fake.mp4, 'video/mp4');
}

function findRender(ctx: Ctx): FakeRender | undefined {
  const render = ctx.fake.renders.get(ctx.params.id ?? '');
  if (!render) sendJson(ctx.res, 404, { success: false, error: 'Render not found' });
  return render;
}
