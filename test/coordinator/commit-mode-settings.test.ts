import { describe, expect, it } from 'vitest';
import { coordinatorSettingNames, coordinatorSettingsSchema } from '../../coordinator/coordinator-settings.js';
import { ConfigError } from '../../lib/config/config-error.js';
import { parseSettings } from '../../lib/config/parse-settings.js';
import { runCli } from '../support/cli-process.js';

/** The coordinator's commit mode settings, as commander hands them over (strings; absent when not given). */
const base = {
  listen: '127.0.0.1:7070',
  dataDir: '.twophase/coordinator',
  coordinatorId: 'coordinator',
  decisionLog: 'file',
  participant: ['blob=127.0.0.1:7071', 'metadata=127.0.0.1:7072'],
  commitMode: 'two-phase',
  txTimeoutMs: '60000',
  prepareTimeoutMs: '30000',
  phase2WaitMs: '2000',
  phase2CallTimeoutMs: '5000',
  logLevel: 'info',
  admin: false,
};

function parse(overrides: Record<string, unknown>): ReturnType<typeof coordinatorSettingsSchema.parse> {
  return parseSettings(coordinatorSettingsSchema, { ...base, ...overrides }, coordinatorSettingNames);
}

function refusal(overrides: Record<string, unknown>): ConfigError {
  try {
    parse(overrides);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('the settings were accepted');
}

describe('coordinator commit mode settings', () => {
  it('two-phase has no last resource; last-resource defaults it to metadata, or takes the one named', () => {
    expect(parse({})).toMatchObject({ commitMode: 'two-phase', lastResource: '' });
    expect(parse({ commitMode: 'last-resource' })).toMatchObject({ commitMode: 'last-resource', lastResource: 'metadata' });
    expect(parse({ commitMode: 'last-resource', lastResource: 'blob' })).toMatchObject({ commitMode: 'last-resource', lastResource: 'blob' });
  });

  it('an unknown commit mode is refused, naming the flag, the variable and the choices', () => {
    const err = refusal({ commitMode: 'one-phase' });
    expect(err.setting).toBe('commitMode');
    expect(err.message).toBe('invalid setting --commit-mode (TWOPHASE_COMMIT_MODE): expected one of two-phase, last-resource (given "one-phase")');
  });

  it('a last resource that is not a configured participant is refused, the default one too', () => {
    expect(refusal({ commitMode: 'last-resource', lastResource: 'billing' }).message).toContain(
      '--last-resource (TWOPHASE_LAST_RESOURCE): the last resource billing is not one of the participants (blob, metadata)',
    );
    const defaulted = refusal({ commitMode: 'last-resource', participant: ['blob=127.0.0.1:7071'] });
    expect(defaulted.setting).toBe('lastResource');
    expect(defaulted.message).toContain('the default last resource metadata is not one of the participants (blob)');
  });

  it('a last resource named while the mode is two-phase is refused, not silently ignored', () => {
    const err = refusal({ lastResource: 'metadata' });
    expect(err.setting).toBe('lastResource');
    expect(err.message).toContain('the commit mode is two-phase');
  });

  it('a last resource that is no valid participant id is refused', () => {
    expect(refusal({ commitMode: 'last-resource', lastResource: 'Meta Data' }).setting).toBe('lastResource');
  });
});

describe('the commit mode flags on the command line', () => {
  it('twophase coordinator stops at start with exit 2 on a bad --commit-mode or TWOPHASE_COMMIT_MODE, and on a --last-resource not among --participant', async () => {
    const participants = ['--participant', 'blob=127.0.0.1:7071', '--participant', 'metadata=127.0.0.1:7072', '--data-dir', '/nonexistent/never-created'];
    const [flag, env, missing] = await Promise.all([
      runCli(['coordinator', ...participants, '--commit-mode', 'three-phase']),
      runCli(['coordinator', ...participants], 60_000, { TWOPHASE_COMMIT_MODE: 'three-phase' }),
      runCli(['coordinator', ...participants, '--commit-mode', 'last-resource', '--last-resource', 'billing']),
    ]);
    for (const run of [flag, env]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toBe('twophase: invalid setting --commit-mode (TWOPHASE_COMMIT_MODE): expected one of two-phase, last-resource (given "three-phase")\n');
    }
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('invalid setting --last-resource (TWOPHASE_LAST_RESOURCE): the last resource billing is not one of the participants (blob, metadata)');
  }, 90_000);

  it('twophase dev refuses a bad --commit-mode before it starts anything', async () => {
    const run = await runCli(['dev', '--commit-mode', 'three-phase', '--data-dir', '/nonexistent/never-created']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('twophase: invalid setting --commit-mode (TWOPHASE_COMMIT_MODE): expected one of two-phase, last-resource (given "three-phase")\n');
  }, 60_000);

  it('--help of coordinator and dev describes the commit mode flags', async () => {
    const [coordinator, dev] = await Promise.all([runCli(['coordinator', '--help']), runCli(['dev', '--help'])]);
    expect(coordinator.stdout).toMatch(/--commit-mode <mode>\s+two-phase or last-resource/);
    expect(coordinator.stdout).toContain('TWOPHASE_COMMIT_MODE');
    expect(coordinator.stdout).toMatch(/--last-resource <participantId>\s+with --commit-mode last-resource/);
    expect(coordinator.stdout).toContain('TWOPHASE_LAST_RESOURCE');
    expect(dev.stdout).toMatch(/--commit-mode <mode>\s+the coordinator's commit mode, two-phase or\s+last-resource/);
  }, 60_000);
});
