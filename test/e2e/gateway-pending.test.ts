import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosControl } from '../../chaos/chaos-control.js';
import { DevSystem } from '../support/dev-system.js';

/**
 * A commit is acknowledged once its decision is durable and every participant applied
 * it — or, past the coordinator's phase-2 wait (2 s), with the slow participants named in
 * `x-twophase-pending`. Until such a participant applies the commit, its data does not
 * show the write yet; then it does, without any client action.
 */
let sys: DevSystem;
let admin: ChaosControl;

beforeAll(async () => {
  sys = await DevSystem.start(['--admin']);
  admin = new ChaosControl({ coordinator: sys.coordinator, blob: sys.blob, metadata: sys.metadata }, sys.databaseUrl);
}, 120_000);

afterAll(async () => {
  admin?.close();
  await sys?.stop();
});

describe('a participant slower than the phase-2 wait', () => {
  it('is named in x-twophase-pending, and the write shows once it applied the commit', async () => {
    const url = `${sys.http}/v1/files/pending/new.txt`;
    // COMMIT PREPARED at the metadata participant waits 6 s, once
    await admin.armFailpoints('metadata', 'participant.metadata.commit.before-commit-prepared=delay(6000)@1');
    const put = await fetch(url, { method: 'PUT', body: 'hello' });
    expect(put.status).toBe(201);
    expect(put.headers.get('x-twophase-pending')).toBe('metadata');
    // acknowledged and durable, but not yet applied where reads are served: a new file is not there yet
    expect((await fetch(url)).status).toBe(404);
    const until = Date.now() + 30_000;
    let status = 0;
    while (Date.now() < until && status !== 200) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await fetch(url)).status;
    }
    expect(status).toBe(200);
    expect(await (await fetch(url)).text()).toBe('hello');
    // with every participant prompt, no header
    const again = await fetch(url, { method: 'PUT', body: 'again' });
    expect(again.status).toBe(200);
    expect(again.headers.get('x-twophase-pending')).toBeNull();
  }, 120_000);
});
