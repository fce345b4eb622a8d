import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevSystem } from '../support/dev-system.js';

let sys: DevSystem;

beforeAll(async () => {
  sys = await DevSystem.start();
}, 120_000);

afterAll(async () => {
  await sys?.stop();
});

describe('twophase dev', () => {
  it('restarts a child that dies', async () => {
    const before = (await sys.pids()).coordinator;
    await sys.killAndAwaitRestart('coordinator');
    const after = (await sys.pids()).coordinator;
    expect(after).not.toBe(before);
    expect(sys.proc.lines.some((l) => typeof l.msg === 'string' && l.msg.startsWith('[dev] coordinator exited (SIGKILL); restarting in'))).toBe(true);
  });

  it('a dev killed with SIGKILL leaves servers behind; the next dev stops them and comes up on the same data', async () => {
    const put = await fetch(`${sys.http}/v1/files/dev/kept.txt`, { method: 'PUT', body: 'kept' });
    expect(put.status).toBe(201);
    const oldPids = await sys.pids();
    await sys.crashAndRestartDev();
    const newPids = await sys.pids();
    for (const name of ['coordinator', 'blob', 'metadata', 'gateway', 'postgres']) expect(newPids[name], name).not.toBe(oldPids[name]);
    expect(await (await fetch(`${sys.http}/v1/files/dev/kept.txt`)).text()).toBe('kept');
  }, 180_000);
});
