import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCpuProfile, summarizeCpuProfiles, type CpuProfile } from '../../bench/summarize-cpu-profiles.js';

const repoDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A profile of three frames under (root): samples every 1 ms from t = 1000 µs. */
function profile(samples: readonly number[]): CpuProfile {
  const frame = (functionName: string, url = '', lineNumber = -1) => ({ functionName, url, lineNumber, columnNumber: -1 });
  return {
    nodes: [
      { id: 1, callFrame: frame('(root)') },
      { id: 2, callFrame: frame('(idle)') },
      { id: 3, callFrame: frame('(garbage collector)') },
      { id: 4, callFrame: frame('emit', 'node:events', 470) },
      { id: 5, callFrame: frame('emit', 'node:events', 470) },
      { id: 6, callFrame: frame('parse', pathToFileURL(join(repoDir, 'node_modules', 'pg', 'lib', 'result.js')).href, 9) },
    ],
    startTime: 0,
    endTime: 1000 + 1000 * samples.length,
    samples: [...samples],
    timeDeltas: samples.map(() => 1000),
  };
}

describe('summarizeCpuProfiles', () => {
  it('counts each sample as the time until the next one, only inside the window', () => {
    // samples at 1, 2, 3, 4, 5 ms; the window [2 ms, 4 ms) holds the 2nd and 3rd
    const summary = summarizeCpuProfiles([profile([4, 3, 4, 2, 4])], { fromUs: 2000, toUs: 4000 }, repoDir);
    expect(summary.sampledMs).toBe(2);
    expect(summary.frames.map((f) => [f.functionName, f.selfMs])).toEqual([
      ['(garbage collector)', 1],
      ['emit', 1],
    ]);
  });

  it('sums one function over every call path that reaches it, and keeps (idle) apart', () => {
    const summary = summarizeCpuProfiles([profile([4, 5, 2, 2, 6])], { fromUs: 0, toUs: 10_000 }, repoDir);
    expect(summary.idleMs).toBe(2);
    expect(summary.frames).toEqual([
      { functionName: 'emit', location: 'node:events:471', selfMs: 2 },
      { functionName: '(idle)', location: '', selfMs: 2 },
      { functionName: 'parse', location: 'node_modules/pg/lib/result.js:10', selfMs: 1 },
    ]);
  });

  it('refuses a file that is not a CPU profile, naming it', () => {
    expect(() => parseCpuProfile('{"nodes": []}', 'x.cpuprofile')).toThrow(/x\.cpuprofile is not a V8 CPU profile/);
  });
});
