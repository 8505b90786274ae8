/**
 * Render status, read tolerantly: the sources show the status at the top level with the URL at
 * `output.url`, inside `{success, data}` with `outputUrl`, or flat. All become `RenderStatus`.
 */
import { z } from 'zod';

export type RenderState = 'pending' | 'processing' | 'completed' | 'failed';

export interface RenderStatus {
  id: string;
  state: RenderState;
  /** 0–100. */
  progress: number;
  url?: string | undefined;
  durationSeconds?: number | undefined;
  sizeBytes?: number | undefined;
  error?: string | undefined;
}

const stateWords: Record<string, RenderState> = {
  pending: 'pending',
  queued: 'pending',
  submitted: 'pending',
  processing: 'processing',
  rendering: 'processing',
  running: 'processing',
  in_progress: 'processing',
  completed: 'completed',
  complete: 'completed',
  done: 'completed',
  succeeded: 'completed',
  success: 'completed',
  failed: 'failed',
  failure: 'failed',
  error: 'failed',
  cancelled: 'failed',
  canceled: 'failed',
};

const optionalNumber = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value),
  z.number().finite().optional().catch(undefined),
);
const optionalText = z.string().optional().catch(undefined);

const statusFields = z.object({
  id: z.union([z.string(), z.number()]).optional().catch(undefined),
  status: z.string().min(1),
  progress: optionalNumber,
  output: z
    .object({ url: optionalText, duration: optionalNumber, size: optionalNumber })
    .partial()
    .optional()
    .catch(undefined),
  outputUrl: optionalText,
  output_url: optionalText,
  url: optionalText,
  duration: optionalNumber,
  size: optionalNumber,
  error: z
    .union([z.string(), z.object({ message: z.string() }).transform((value) => value.message)])
    .optional()
    .catch(undefined),
});

/** The schema for a render answer's payload (envelopes are unwrapped before it). */
export function renderStatusSchema(fallbackId: string) {
  return statusFields.transform((raw): RenderStatus => {
    const state = stateWords[raw.status.toLowerCase()] ?? 'processing';
    return {
      id: raw.id === undefined ? fallbackId : String(raw.id),
      state,
      progress: Math.max(0, Math.min(100, raw.progress ?? (state === 'completed' ? 100 : 0))),
      url: raw.output?.url ?? raw.outputUrl ?? raw.output_url ?? raw.url,
      durationSeconds: raw.output?.duration ?? raw.duration,
      sizeBytes: raw.output?.size ?? raw.size,
      error: raw.error ?? (raw.status.toLowerCase().startsWith('cancel') ? 'cancelled' : undefined),
    };
  });
}
