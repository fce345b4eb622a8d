import { describe, expect, it } from 'vitest';
import '../../cli/all-failpoints.js';
import { listFailpoints } from '../../lib/failpoints/failpoints.js';
import { failpointReach, isUnsafeFailpoint } from '../../chaos/chaos-target.js';
import { failpointRuns } from '../../chaos/failpoint-runs.js';

/** `twophase chaos --each-failpoint`: which points a run arms in each commit mode, and how. */
const defined = listFailpoints().map((p) => p.name);
const plan = (mode: 'two-phase' | 'last-resource', prefix = '') => failpointRuns(defined, { seed: 3, arm: '', prefix, mode });

const reachedInBoth = [
  'coordinator.log.batch.after-write',
  'coordinator.log.end.after-append',
  'coordinator.log.end.before-append',
  'coordinator.reply.before',
  'coordinator.send.abort.after',
  'coordinator.send.abort.before',
  'coordinator.send.commit.after',
  'coordinator.send.commit.before',
  'coordinator.send.prepare.after',
  'coordinator.send.prepare.before',
  'participant.blob.abort.before-delete',
  'participant.blob.commit.after-publish',
  'participant.blob.commit.after-rename',
  'participant.blob.commit.before-rename',
  'participant.blob.commit.before-retire',
  'participant.blob.prepare.after-manifest-sync',
  'participant.blob.prepare.before-fsync',
];

describe('failpoint runs per commit mode', () => {
  it('every failpoint a process defines but the UNSAFE switch has a declared reach, and the table names no other', () => {
    const safe = defined.filter((name) => !isUnsafeFailpoint(name));
    expect(Object.keys(failpointReach).sort()).toEqual([...safe].sort());
  });

  it('two-phase mode runs every point but the one-phase commit ones', () => {
    expect(plan('two-phase').map((r) => r.label).sort()).toEqual(
      [
        ...reachedInBoth,
        'coordinator.log.batch.after-sync',
        'coordinator.log.commit.after-sync',
        'coordinator.log.commit.before-append',
        'participant.metadata.abort.after-rollback-prepared',
        'participant.metadata.abort.before-rollback-prepared',
        'participant.metadata.commit.after-commit-prepared',
        'participant.metadata.commit.before-commit-prepared',
        'participant.metadata.prepare.after-prepare-transaction',
        'participant.metadata.prepare.before-prepare-transaction',
      ].sort(),
    );
  });

  it('last-resource mode runs no point of PREPARE TRANSACTION, COMMIT PREPARED, ROLLBACK PREPARED or a synced commit record, and the one-phase commit ones', () => {
    expect(plan('last-resource').map((r) => r.label).sort()).toEqual(
      [
        ...reachedInBoth,
        'coordinator.send.commit-last.after',
        'coordinator.send.commit-last.before',
        'participant.metadata.commit-one-phase.after-commit',
        'participant.metadata.commit-one-phase.before-commit',
      ].sort(),
    );
  });

  it('a point on the abort path crashes at its first hit while another process makes txs abort, by a means its mode has', () => {
    const spec = (mode: 'two-phase' | 'last-resource', point: string) => plan(mode).find((r) => r.label === point)?.armAtStart;
    expect(spec('two-phase', 'participant.blob.abort.before-delete')).toBe('participant.blob.abort.before-delete=crash@1,participant.metadata.prepare.before-prepare-transaction=error%30');
    expect(spec('last-resource', 'participant.blob.abort.before-delete')).toBe('participant.blob.abort.before-delete=crash@1,participant.metadata.commit-one-phase.before-commit=error%30');
    expect(spec('last-resource', 'coordinator.send.abort.before')).toBe('coordinator.send.abort.before=crash@1,participant.blob.prepare.before-fsync=error%30');
    expect(spec('two-phase', 'participant.metadata.abort.before-rollback-prepared')).toBe('participant.metadata.abort.before-rollback-prepared=crash@1,participant.blob.prepare.before-fsync=error%30');
    expect(spec('last-resource', 'participant.metadata.commit-one-phase.before-commit')).toBe('participant.metadata.commit-one-phase.before-commit=crash@2');
    expect(plan('last-resource').find((r) => r.label === 'participant.metadata.commit-one-phase.after-commit')?.crashes).toEqual({ point: 'participant.metadata.commit-one-phase.after-commit', process: 'metadata' });
  });

  it('a prefix that leaves no point reached in the mode is refused, naming the flags', () => {
    expect(() => plan('last-resource', 'participant.metadata.prepare')).toThrow('no failpoint that starts with participant.metadata.prepare is reached in --commit-mode last-resource');
    expect(() => plan('two-phase', 'participant.metadata.commit-one-phase')).toThrow('--commit-mode two-phase');
    expect(() => plan('two-phase', 'nothing.')).toThrow('invalid setting --each-failpoint: no failpoint starts with nothing.');
  });

  it('a defined point with no declared reach stops the plan instead of a run that cannot pass', () => {
    expect(() => failpointRuns([...defined, 'coordinator.send.new-point'], { seed: 3, arm: '', prefix: '', mode: 'two-phase' })).toThrow(
      'failpoint coordinator.send.new-point: no commit mode is declared for it in failpointReach',
    );
  });
});
