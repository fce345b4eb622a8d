import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The Promela model of the protocol (model/twophase.pml), checked exhaustively by spin.
 * Skipped where spin is not installed (Debian/Ubuntu: `apt-get install -y spin`).
 */
const checkScript = fileURLToPath(new URL('../../model/check.sh', import.meta.url));
const installed = (command: string, arg: string): boolean => spawnSync(command, [arg], { stdio: 'ignore' }).status === 0;
const haveSpin = installed('spin', '-V') && installed('gcc', '--version');

function check(args: string[]): { status: number | null; out: string } {
  const r = spawnSync(checkScript, args, { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe.skipIf(!haveSpin)('Promela model checked by spin', () => {
  it('never commits at one participant and aborts at the other, in any interleaving of crashes, losses and duplicates', () => {
    const { status, out } = check([]);
    expect(out).toMatch(/errors=0/);
    expect(Number(/states=(\d+)/.exec(out)?.[1])).toBeGreaterThan(100_000);
    expect(status).toBe(0);
  });

  it('finds the counterexample when Commit is sent before the commit record is synced', () => {
    const { status, out } = check(['--mutant']);
    expect(out).toMatch(/errors=[1-9]/);
    expect(out).toMatch(/CRASH/);
    expect(out).toMatch(/presumed abort/);
    expect(status).toBe(0);
  });

  it('in last-resource mode, never commits at one participant and aborts at the other, and no participant commits before the marker is committed', () => {
    const { status, out } = check(['--last-resource']);
    expect(out).toMatch(/errors=0/);
    expect(Number(/states=(\d+)/.exec(out)?.[1])).toBeGreaterThan(50_000);
    expect(status).toBe(0);
  });

  it('finds the counterexample when the last resource resolves by reading the marker instead of a compare-and-set', () => {
    const { status, out } = check(['--last-resource', '--mutant']);
    expect(out).toMatch(/errors=[1-9]/);
    expect(out).toMatch(/LANDING/);
    expect(out).toMatch(/receive RESOLVE/);
    expect(status).toBe(0);
  });
});
