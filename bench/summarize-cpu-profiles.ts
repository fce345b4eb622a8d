import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * A V8 CPU profile as `node --cpu-prof` writes it (Profiler.Profile of the DevTools
 * protocol). Times are microseconds of the monotonic clock that process.hrtime reads,
 * so a window measured in another process of the same machine applies as it is.
 */
const cpuProfileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number(), columnNumber: z.number() }),
    }),
  ),
  startTime: z.number(),
  endTime: z.number(),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

export type CpuProfile = z.infer<typeof cpuProfileSchema>;

/** Parses a .cpuprofile file's text; throws naming `source` if it is not one. */
export function parseCpuProfile(text: string, source: string): CpuProfile {
  const parsed = cpuProfileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${source} is not a V8 CPU profile: ${parsed.error.message}`);
  if (parsed.data.samples.length !== parsed.data.timeDeltas.length) throw new Error(`${source}: ${parsed.data.samples.length} samples but ${parsed.data.timeDeltas.length} time deltas`);
  return parsed.data;
}

/** The pseudo-frame of samples taken while the event loop waited: listed, but not CPU. */
export const idleFrame = '(idle)';
/** (root), (program), (idle), (garbage collector): where V8 puts samples with no JS function on the stack. */
const pseudoFrame = /^\(.*\)$/;

export interface FrameSelfTime {
  /** The function's name, "(anonymous)" for an unnamed one, or a pseudo-frame: (program), (garbage collector), (idle). */
  readonly functionName: string;
  /**
   * `path:line` (1-based) with the path short: relative to the repo, from `node_modules/`, or `node:…`;
   * `(native)` for a function
   * of Node's C++ bindings (fs, http2 streams); '' for a pseudo-frame.
   */
  readonly location: string;
  readonly selfMs: number;
}

export interface CpuProfileSummary {
  /** Profiles that had samples in the window (more than one when the process was restarted in it). */
  readonly profiles: number;
  /** Time covered by samples in the window, idle included: about the window's length when the process lived through it. */
  readonly sampledMs: number;
  /** The part of it in (idle): the event loop waiting. */
  readonly idleMs: number;
  /** Every frame with self time in the window, most first; one row per function, however many call paths reach it. */
  readonly frames: readonly FrameSelfTime[];
}

/** A window of the monotonic clock, in microseconds (process.hrtime.bigint() / 1000). */
export interface MonotonicWindowUs {
  readonly fromUs: number;
  readonly toUs: number;
}

/**
 * Self time by function over the samples of `profiles` taken inside `window`. A sample
 * stands for the time until the next one (the last: until the profile's end), as
 * Chrome DevTools counts it.
 */
export function summarizeCpuProfiles(profiles: readonly CpuProfile[], window: MonotonicWindowUs, repoDir: string): CpuProfileSummary {
  const selfUs = new Map<string, { functionName: string; location: string; us: number }>();
  let sampledUs = 0;
  let idleUs = 0;
  let profilesInWindow = 0;
  for (const profile of profiles) {
    const frameOf = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
    let atUs = profile.startTime;
    let inWindow = false;
    for (let i = 0; i < profile.samples.length; i++) {
      atUs += profile.timeDeltas[i] ?? 0;
      if (atUs < window.fromUs || atUs >= window.toUs) continue;
      const nextUs = i + 1 < profile.samples.length ? atUs + (profile.timeDeltas[i + 1] ?? 0) : profile.endTime;
      // V8 sometimes records a sample out of order (a negative delta): it stands for no time
      const us = Math.max(0, Math.min(nextUs, window.toUs) - atUs);
      const frame = frameOf.get(profile.samples[i] ?? -1);
      if (frame === undefined) throw new Error(`a sample names node ${profile.samples[i]}, which the profile does not have`);
      inWindow = true;
      const key = `${frame.functionName}\0${frame.url}\0${frame.lineNumber}\0${frame.columnNumber}`;
      let row = selfUs.get(key);
      if (row === undefined) {
        row = { functionName: frame.functionName === '' ? '(anonymous)' : frame.functionName, location: shortLocation(frame, repoDir), us: 0 };
        selfUs.set(key, row);
      }
      row.us += us;
      sampledUs += us;
      if (frame.functionName === idleFrame && frame.url === '') idleUs += us;
    }
    if (inWindow) profilesInWindow++;
  }
  const frames = [...selfUs.values()].map((row) => ({ functionName: row.functionName, location: row.location, selfMs: row.us / 1000 })).sort((a, b) => b.selfMs - a.selfMs);
  return { profiles: profilesInWindow, sampledMs: sampledUs / 1000, idleMs: idleUs / 1000, frames };
}

/** `coordinator/grpc/coordinator-service.ts:42`, `node_modules/@grpc/grpc-js/build/src/server.js:1300`, `node:internal/…:10`. */
function shortLocation(frame: CpuProfile['nodes'][number]['callFrame'], repoDir: string): string {
  const { functionName, url, lineNumber } = frame;
  if (url === '') return functionName === '' || pseudoFrame.test(functionName) ? '' : '(native)';
  const line = lineNumber >= 0 ? `:${lineNumber + 1}` : '';
  let path = url;
  if (url.startsWith('file://')) path = fileURLToPath(url);
  if (!isAbsolute(path)) return `${path}${line}`;
  const modules = path.lastIndexOf(`${sep}node_modules${sep}`);
  if (modules >= 0) return `${path.slice(modules + 1)}${line}`;
  const inRepo = relative(repoDir, path);
  if (inRepo.startsWith('..')) return `${path}${line}`;
  return `${inRepo}${line}`;
}
