/**
 * A draft as one ffmpeg command: its inputs, one filtergraph (visual track → titles → `[vout]`,
 * music → `[aout]`) and the files the graph reads (title texts). It runs after `prepareRender`
 * (index.ts), which writes the photos' stills and measures the music's loudness.
 */
import { aspectRatios, type EngineDraft } from '../draft.ts';
import { buildAudio, musicWindow } from './audio.ts';
import type { Frame } from './frames.ts';
import { chain } from './graph.ts';
import { buildTitles } from './titles.ts';
import { buildVisual } from './visual.ts';

export interface RenderPlan {
  frame: Frame;
  /** The output's exact length. */
  frames: number;
  durationMs: number;
  /** `-i` arguments (with their input options), in input order. */
  inputArgs: string[];
  filterGraph: string;
  /** Output labels of the graph. */
  video: string;
  audio: string;
  /** Files to write before running (title texts). */
  files: Array<{ path: string; content: string }>;
  /** Input paths and the names people gave them, for error messages. */
  inputs: Array<{ path: string; name: string }>;
}

/** Builds the plan; `directory` is a private temporary folder for the files it needs. */
export async function planRender(
  draft: EngineDraft,
  mediaPath: (id: string) => string,
  directory: string,
  /** The music's loudness correction, from the measuring pass (audio.ts). */
  musicGainDb = 0,
): Promise<RenderPlan> {
  const frame = frameOf(draft);
  const inputArgs: string[] = [];
  const inputs: RenderPlan['inputs'] = [];
  const addInput = (args: string[], path: string, name: string): number => {
    inputArgs.push(...args);
    inputs.push({ path, name });
    return inputs.length - 1;
  };

  const visual = buildVisual(draft, frame, addInput, mediaPath, directory);
  const durationSeconds = visual.frames / frame.fps;
  const titles = await buildTitles(draft.t[2].sg, frame, durationSeconds, directory);
  const audio = buildAudio(
    musicWindow(draft, durationSeconds),
    durationSeconds,
    musicGainDb,
    addInput,
    mediaPath,
  );
  const chains = [
    ...visual.chains,
    chain([visual.label], titles.filters.length > 0 ? titles.filters : ['null'], 'vout'),
    ...audio.chains,
  ];
  return {
    frame,
    frames: visual.frames,
    durationMs: Math.round(durationSeconds * 1000),
    inputArgs,
    filterGraph: chains.join(';\n'),
    video: 'vout',
    audio: audio.label,
    files: titles.files,
    inputs,
  };
}

/** The output's size (exact, from the aspect) and rate. */
export function frameOf(draft: EngineDraft): Frame {
  const { width, height } = aspectRatios[draft.m.aspect];
  return { width, height, fps: draft.m.fps };
}
