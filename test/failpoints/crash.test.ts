import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/hit-once.ts', import.meta.url));

interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the fixture in a real node process, so a crash is a real SIGKILL of it. */
function runFixture(failpoints: string | undefined): Promise<ChildExit> {
  const env = { ...process.env };
  delete env.TWOPHASE_FAILPOINTS;
  if (failpoints !== undefined) env.TWOPHASE_FAILPOINTS = failpoints;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], { cwd: repoRoot, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('crash failpoint', () => {
  it('kills its own process with SIGKILL at the hit, so nothing after it runs', async () => {
    const exit = await runFixture('fixture.crash-point=crash');

    expect(exit.stderr).toBe('');
    expect(exit.signal).toBe('SIGKILL');
    expect(exit.code).toBeNull();
    expect(exit.stdout).toBe('before-hit\n');
  });

  it('leaves the process running past the hit when unarmed', async () => {
    const exit = await runFixture(undefined);

    expect(exit).toEqual({ code: 0, signal: null, stdout: 'before-hit\nafter-hit\n', stderr: '' });
  });

  it('stops the process at start-up when TWOPHASE_FAILPOINTS names an undefined failpoint', async () => {
    const exit = await runFixture('fixture.crash-pont=crash');

    expect(exit.code).not.toBe(0);
    expect(exit.signal).toBeNull();
    expect(exit.stderr).toContain('UnknownFailpointError');
    expect(exit.stderr).toContain('fixture.crash-pont');
    expect(exit.stdout).toBe('');
  });
});
