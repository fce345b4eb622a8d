import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevSystem } from '../support/dev-system.js';
import { isProcessAlive } from '../../lib/process-alive/is-process-alive.js';

let sys: DevSystem;

beforeAll(async () => {
  sys = await DevSystem.start();
}, 120_000);

afterAll(async () => {
  await sys?.stop();
});

/** dev's record of its children once it names every one of `names` (a standby starts a second after its child is ready). */
async function pidsWith(names: readonly string[]): Promise<Record<string, number>> {
  const until = Date.now() + 30_000;
  for (;;) {
    const pids = await sys.pids();
    if (names.every((name) => pids[name] !== undefined) || Date.now() > until) return pids;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('twophase dev', () => {
  it('the gateway is ready (/readyz 200) when the coordinator and both participants answer SERVING', async () => {
    const res = await fetch(`${sys.http}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', services: { coordinator: 'SERVING', blob: 'SERVING', metadata: 'SERVING' } });
    expect((await fetch(`${sys.http}/healthz`)).status).toBe(200);
  });

  it('restarts a child that dies, promoting its standby: the process that takes its place was loaded before the kill', async () => {
    // dev starts each standby a second after its child is ready
    const before = await pidsWith(['coordinator standby']);
    expect(before['coordinator standby']).toBeGreaterThan(0);
    expect(isProcessAlive(before['coordinator standby'] as number)).toBe(true);
    await sys.killAndAwaitRestart('coordinator');
    const after = (await sys.pids()).coordinator;
    expect(after).not.toBe(before.coordinator);
    expect(after, 'the standby took the place of the killed coordinator').toBe(before['coordinator standby']);
    expect(sys.proc.lines.some((l) => typeof l.msg === 'string' && l.msg.startsWith('[dev] coordinator exited (SIGKILL); restarting in'))).toBe(true);
    // and serves: an upload through it commits
    expect((await fetch(`${sys.http}/v1/files/dev/after-standby.txt`, { method: 'PUT', body: 'promoted' })).status).toBe(201);
  });

  it('a dev killed with SIGKILL leaves no process running 5 s later; the next dev comes up on the same data', async () => {
    const put = await fetch(`${sys.http}/v1/files/dev/kept.txt`, { method: 'PUT', body: 'kept' });
    expect(put.status).toBe(201);
    // the standbys too: a standby of each of the four is running by now, and must not outlive dev either
    const oldPids = await pidsWith(['coordinator standby', 'blob standby', 'metadata standby', 'gateway standby']);
    expect(Object.keys(oldPids).filter((name) => name.endsWith(' standby')).sort()).toEqual(['blob standby', 'coordinator standby', 'gateway standby', 'metadata standby']);
    const postmaster = await sys.postmasterPid();
    const children = [...Object.values(oldPids), postmaster];
    expect(children.every(isProcessAlive)).toBe(true);
    await sys.killDev();
    const killedAt = Date.now();
    while (children.some(isProcessAlive) && Date.now() - killedAt < 5_000) await new Promise((r) => setTimeout(r, 100));
    expect(
      children.filter(isProcessAlive).map((pid) => `${pid} still alive`),
      'every child of the killed dev, and the postmaster, exits within 5 s',
    ).toEqual([]);
    await sys.startAgain();
    const newPids = await sys.pids();
    for (const name of ['coordinator', 'blob', 'metadata', 'gateway', 'postgres']) expect(newPids[name], name).not.toBe(oldPids[name]);
    expect(await (await fetch(`${sys.http}/v1/files/dev/kept.txt`)).text()).toBe('kept');
  }, 180_000);
});
