import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Supervisor, type ChildSpec } from '../../lib/supervisor/supervisor.js';
import { isProcessAlive } from '../../lib/process-alive/is-process-alive.js';
import { limits } from '../../lib/limits/limits.js';

/** Real processes: the supervisor of `twophase dev` and a child that waits as the CLI's commands do. */
const spec = (standby: boolean): ChildSpec => ({
  name: 'child',
  command: process.execPath,
  args: ['--import', 'tsx', join(import.meta.dirname, 'standby-child.ts')],
  ready: /"msg":"child ready"/,
  standby,
});

interface Event {
  readonly kind: 'started' | 'ready' | 'exited' | 'standbyExited';
  readonly name: string;
  readonly pid?: number;
}

let dir: string | undefined;
let supervisor: Supervisor | undefined;

afterEach(async () => {
  await supervisor?.stop(2_000);
  supervisor = undefined;
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function startSupervisor(standby: boolean): Promise<{ events: Event[]; until: (p: (e: Event) => boolean) => Promise<Event> }> {
  dir = await mkdtemp(join(tmpdir(), 'twophase-supervisor-'));
  const events: Event[] = [];
  const waiters: { p: (e: Event) => boolean; resolve: (e: Event) => void }[] = [];
  const push = (e: Event): void => {
    events.push(e);
    for (const w of waiters.splice(0)) {
      if (w.p(e)) w.resolve(e);
      else waiters.push(w);
    }
  };
  supervisor = new Supervisor(dir, {
    started: (name, pid) => push({ kind: 'started', name, pid }),
    ready: (name, pid) => push({ kind: 'ready', name, pid }),
    exited: (name) => push({ kind: 'exited', name }),
    standbyExited: (name) => push({ kind: 'standbyExited', name }),
  });
  const until = (p: (e: Event) => boolean): Promise<Event> => {
    const seen = events.find(p);
    return seen !== undefined ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ p, resolve }));
  };
  await supervisor.start(spec(standby));
  return { events, until };
}

describe('Supervisor standby (ChildSpec.standby)', () => {
  it('a killed child is replaced by its standby, already running, and a new standby follows', async () => {
    const { events, until } = await startSupervisor(true);
    const first = events.find((e) => e.kind === 'ready')?.pid as number;
    const standby = (await until((e) => e.kind === 'started' && e.name === 'child standby')).pid as number;
    expect(standby).not.toBe(first);
    expect(isProcessAlive(standby)).toBe(true);
    expect(supervisor?.pids()).toEqual({ child: first, 'child standby': standby });
    // waiting, it printed nothing: only the first child's ready line is in the log
    expect((await readFile(join(dir as string, 'child.log'), 'utf8')).trim().split('\n')).toEqual([`{"msg":"child ready","pid":${first}}`]);

    process.kill(first, 'SIGKILL');
    const ready = await until((e) => e.kind === 'ready' && e.pid !== first);
    expect(ready.pid, 'the standby took the child\'s place').toBe(standby);
    expect(supervisor?.pids().child).toBe(standby);
    const next = (await until((e) => e.kind === 'started' && e.name === 'child standby' && e.pid !== standby)).pid as number;
    expect(isProcessAlive(next)).toBe(true);
    expect(supervisor?.pids()).toEqual({ child: standby, 'child standby': next });

    await supervisor?.stop(2_000);
    expect(isProcessAlive(standby) || isProcessAlive(next), 'stop ends the child and its standby').toBe(false);
  }, 30_000);

  it('a standby that dies while waiting is reported, and the next restart starts a process cold', async () => {
    const { until } = await startSupervisor(true);
    const first = (await until((e) => e.kind === 'ready')).pid as number;
    const standby = (await until((e) => e.kind === 'started' && e.name === 'child standby')).pid as number;
    process.kill(standby, 'SIGKILL');
    await until((e) => e.kind === 'standbyExited');
    expect(supervisor?.pids()).toEqual({ child: first });
    process.kill(first, 'SIGKILL');
    const ready = await until((e) => e.kind === 'ready' && e.pid !== first);
    expect(ready.pid).not.toBe(standby);
    expect(isProcessAlive(ready.pid as number)).toBe(true);
  }, 30_000);

  it('a retired child and its standby are killed and neither comes back', async () => {
    const { events, until } = await startSupervisor(true);
    const first = (await until((e) => e.kind === 'ready')).pid as number;
    const standby = (await until((e) => e.kind === 'started' && e.name === 'child standby')).pid as number;
    await supervisor!.retire('child');
    expect(isProcessAlive(first)).toBe(false);
    expect(isProcessAlive(standby)).toBe(false);
    // longer than the first restart delay and a standby's delay: nothing is started again
    await new Promise((r) => setTimeout(r, Math.max(limits.supervisorRestartDelaysMs[0]!, limits.supervisorStandbyDelayMs) + 1_000));
    expect(events.filter((e) => e.kind === 'started').map((e) => e.name)).toEqual(['child', 'child standby']);
    expect(events.filter((e) => e.kind === 'exited')).toHaveLength(1);
  }, 30_000);

  it('without standby, no second process runs', async () => {
    const { events } = await startSupervisor(false);
    await new Promise((r) => setTimeout(r, limits.supervisorStandbyDelayMs + 500));
    expect(events.filter((e) => e.kind === 'started').map((e) => e.name)).toEqual(['child']);
    expect(Object.keys(supervisor?.pids() ?? {})).toEqual(['child']);
  }, 30_000);
});
