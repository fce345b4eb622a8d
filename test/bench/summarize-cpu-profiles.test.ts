import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCpuProfile, summarizeCpuProfiles, type CpuProfile } from '../../bench/summarize-cpu-profiles.js';
import { TsxSourceLines } from '../../bench/tsx-source-lines.js';

const repoDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const noLines = new TsxSourceLines(repoDir, 0);

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
    const summary = summarizeCpuProfiles([profile([4, 3, 4, 2, 4])], { fromUs: 2000, toUs: 4000 }, repoDir, noLines);
    expect(summary.sampledMs).toBe(2);
    expect(summary.frames.map((f) => [f.functionName, f.selfMs])).toEqual([
      ['(garbage collector)', 1],
      ['emit', 1],
    ]);
  });

  it('sums one function over every call path that reaches it, and keeps (idle) apart', () => {
    const summary = summarizeCpuProfiles([profile([4, 5, 2, 2, 6])], { fromUs: 0, toUs: 10_000 }, repoDir, noLines);
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

describe('TsxSourceLines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsx-source-lines-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('maps the one-line code tsx ran back to the .ts line of each function', () => {
    const source = join(dir, 'busy.ts');
    // an ES module, as the repo's own .ts files are
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    writeFileSync(
      source,
      [
        '// types and comments vanish from what tsx runs',
        'interface Shape { readonly n: number }',
        '',
        'export function spin(shape: Shape): number {',
        '  let s = 0;',
        '  for (let i = 0; i < shape.n; i++) s += Math.sqrt(i);',
        '  return s;',
        '}',
        '',
        'const t0 = Date.now();',
        'while (Date.now() - t0 < 300) spin({ n: 100_000 });',
        '',
      ].join('\n'),
    );
    const profileDir = join(dir, 'profile');
    const run = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--import', 'tsx', source], { cwd: repoDir, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const main = readdirSync(profileDir).find((file) => /\.\d+\.0\.\d+\.cpuprofile$/.test(file));
    expect(main).toBeDefined();
    const parsed = parseCpuProfile(readFileSync(join(profileDir, main ?? ''), 'utf8'), 'main');
    const spin = parsed.nodes.find((node) => node.callFrame.functionName === 'spin');
    expect(spin?.callFrame.lineNumber).toBe(0); // what the profile says: tsx's output is one line
    const lines = new TsxSourceLines(repoDir, Date.now());
    expect(lines.line(source, spin?.callFrame.lineNumber ?? -1, spin?.callFrame.columnNumber ?? -1)).toBe(4);
  });
});
