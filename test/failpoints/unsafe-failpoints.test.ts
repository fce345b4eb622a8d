import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { FailpointRegistry, UnsafeFailpointError } from '../../lib/failpoints/failpoints.js';
import { loadProto } from '../../proto/load-proto.js';
import type { AdminClient } from '../../proto/gen/twophase/v1/Admin.js';
import { CliProcess, runCli } from '../support/cli-process.js';
import { unary } from '../support/coordinator-client.js';

const mutant = 'coordinator.unsafe.commit-before-sync';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function coordinator(args: string[], env: Record<string, string> = {}): Promise<CliProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'twophase-unsafe-'));
  const proc = new CliProcess(['coordinator', '--listen', '127.0.0.1:0', '--data-dir', dir, '--participant', 'blob=127.0.0.1:1', ...args], env);
  cleanups.push(async () => {
    proc.kill();
    await proc.exited;
    await rm(dir, { recursive: true, force: true });
  });
  return proc;
}

async function adminOf(proc: CliProcess): Promise<AdminClient> {
  const admin = new (loadProto().twophase.v1.Admin)(`127.0.0.1:${await proc.grpcPort()}`, grpc.credentials.createInsecure());
  cleanups.push(() => admin.close());
  return admin;
}

const arm = (admin: AdminClient, spec: string) => unary<object, { names: string[] }>(admin.ArmFailpoints.bind(admin), { spec });

describe('failpoints that break a guarantee on purpose', () => {
  it('a registry refuses to arm an unsafe failpoint (arm, spec all or nothing, early from the environment) unless allowUnsafe was called', () => {
    const registry = new FailpointRegistry({ crash: () => undefined });
    const safe = registry.define('test.log.after-sync', 'a real fault');
    const unsafe = registry.define('test.unsafe.skip-sync', 'a mutant', { unsafe: true });
    expect(() => registry.arm(unsafe.name, { kind: 'error' })).toThrow(UnsafeFailpointError);
    expect(() => registry.armSpec(`${safe.name}=error,${unsafe.name}=error`)).toThrow(UnsafeFailpointError);
    // nothing of the refused spec was armed
    expect(safe.hit()).toBeUndefined();
    // delay, crash and error failpoints stay armable as before
    registry.armSpec(`${safe.name}=error`);
    expect(() => safe.hit()).toThrow();

    // armed before its module defined it (TWOPHASE_FAILPOINTS): inert, and the start fails
    const early = new FailpointRegistry({ crash: () => undefined });
    early.armFromEnv({ TWOPHASE_FAILPOINTS: 'test.unsafe.skip-sync=error' });
    const late = early.define('test.unsafe.skip-sync', 'a mutant', { unsafe: true });
    expect(late.hit()).toBeUndefined();
    expect(() => early.validateArmed()).toThrow(UnsafeFailpointError);
    early.allowUnsafe();
    expect(() => early.validateArmed()).not.toThrow();
    expect(() => late.hit()).toThrow();

    registry.allowUnsafe();
    registry.arm(unsafe.name, { kind: 'error' });
    expect(() => unsafe.hit()).toThrow();
  });

  it('a name says whether a failpoint is unsafe: ".unsafe." exactly for the unsafe ones', () => {
    const registry = new FailpointRegistry();
    expect(() => registry.define('test.unsafe.no-flag', 'x')).toThrow();
    expect(() => registry.define('test.flag-without-name', 'x', { unsafe: true })).toThrow();
  });

  it(`the coordinator refuses to start with ${mutant} in TWOPHASE_FAILPOINTS unless started with --unsafe-failpoints`, async () => {
    const refused = await coordinator([], { TWOPHASE_FAILPOINTS: `${mutant}=error` });
    expect(await refused.exited).toMatchObject({ code: 1 });
    expect(refused.stderr.join('')).toContain('--unsafe-failpoints');

    const allowed = await coordinator(['--unsafe-failpoints'], { TWOPHASE_FAILPOINTS: `${mutant}=error` });
    expect(await allowed.grpcPort()).toBeGreaterThan(0);
  }, 60_000);

  it(`Admin refuses to arm ${mutant} (FAILED_PRECONDITION, nothing armed) in a coordinator not started with --unsafe-failpoints`, async () => {
    const admin = await adminOf(await coordinator(['--admin']));
    const err = await arm(admin, `coordinator.log.commit.after-sync=delay(1),${mutant}=error`).catch((e: unknown) => e as grpc.ServiceError);
    expect(err).toMatchObject({ code: grpc.status.FAILED_PRECONDITION });
    expect((err as grpc.ServiceError).details).toContain('--unsafe-failpoints');
    expect(await arm(admin, 'coordinator.log.commit.after-sync=delay(1)')).toEqual({ names: ['coordinator.log.commit.after-sync'] });

    const allowing = await adminOf(await coordinator(['--admin', '--unsafe-failpoints']));
    expect(await arm(allowing, `${mutant}=error`)).toEqual({ names: [mutant] });
  }, 60_000);

  it('twophase coordinator --help documents --unsafe-failpoints', async () => {
    const { code, stdout } = await runCli(['coordinator', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--unsafe-failpoints');
  }, 60_000);
});
