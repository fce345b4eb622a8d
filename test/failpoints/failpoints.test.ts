import { afterEach, describe, expect, it } from 'vitest';
import {
  arm,
  armFailpoints,
  defineFailpoint,
  disarmAll,
  FailpointError,
  listFailpoints,
  UnknownFailpointError,
  validateArmed,
} from '../../lib/failpoints/failpoints.js';

// vitest gives each test file its own module graph, so this registry is this file's alone
const beforeSync = defineFailpoint('test.process-wide.before-sync', 'process-wide test point');

afterEach(() => {
  disarmAll();
});

describe('process-wide failpoints', () => {
  it('a defined failpoint is listed with its description', () => {
    expect(listFailpoints()).toContainEqual({
      name: 'test.process-wide.before-sync',
      description: 'process-wide test point',
    });
  });

  it('armFailpoints arms and disarmAll disarms the process-wide registry', () => {
    armFailpoints('test.process-wide.before-sync=error');
    expect(() => beforeSync.hit()).toThrow(FailpointError);

    disarmAll();
    expect(beforeSync.hit()).toBeUndefined();
  });

  it('arm takes a typed action', () => {
    arm('test.process-wide.before-sync', { kind: 'error', trigger: { kind: 'nth', n: 2 } });

    expect(beforeSync.hit()).toBeUndefined();
    expect(() => beforeSync.hit()).toThrow(FailpointError);
    expect(beforeSync.hit()).toBeUndefined();
  });

  it('validateArmed rejects a name no module defines', () => {
    armFailpoints('test.process-wide.befor-sync=crash');

    expect(() => validateArmed()).toThrow(UnknownFailpointError);
  });
});
