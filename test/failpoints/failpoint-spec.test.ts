import { describe, expect, it } from 'vitest';
import {
  type FailpointSpec,
  FailpointSpecError,
  formatFailpointSpec,
  parseFailpointSpec,
} from '../../lib/failpoints/failpoints.js';

function specError(text: string): FailpointSpecError {
  try {
    parseFailpointSpec(text);
  } catch (error) {
    if (error instanceof FailpointSpecError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('parseFailpointSpec', () => {
  it('parses every action and trigger of the grammar', () => {
    const specs = parseFailpointSpec(
      'coordinator.log.after-sync=crash, x=delay(200) ,y=error@3,z=crash%25,h=hang%0.5,o=off,d=delay(0)@1',
    );

    expect(specs).toEqual<FailpointSpec[]>([
      { name: 'coordinator.log.after-sync', action: { kind: 'crash' } },
      { name: 'x', action: { kind: 'delay', ms: 200 } },
      { name: 'y', action: { kind: 'error', trigger: { kind: 'nth', n: 3 } } },
      { name: 'z', action: { kind: 'crash', trigger: { kind: 'probability', percent: 25 } } },
      { name: 'h', action: { kind: 'hang', trigger: { kind: 'probability', percent: 0.5 } } },
      { name: 'o', action: { kind: 'off' } },
      { name: 'd', action: { kind: 'delay', ms: 0, trigger: { kind: 'nth', n: 1 } } },
    ]);
  });

  it('blank text arms nothing', () => {
    expect(parseFailpointSpec('')).toEqual([]);
    expect(parseFailpointSpec('  \t')).toEqual([]);
  });

  it('formatFailpointSpec writes what parseFailpointSpec reads', () => {
    const text = 'a.b-c=crash,x=delay(200)%50,y=error@3,z=hang,o=off';

    expect(parseFailpointSpec(text).map(formatFailpointSpec).join(',')).toBe(text);
  });

  it.each([
    ['x', 'x', 'missing "="'],
    ['x=', 'x=', 'missing action'],
    ['x=explode', 'x=explode', 'unknown action "explode"'],
    ['x=delay', 'x=delay', 'delay needs whole milliseconds'],
    ['x=delay(1.5)', 'x=delay(1.5)', 'delay needs whole milliseconds'],
    ['x=delay(3600001)', 'x=delay(3600001)', 'delay must be whole milliseconds 0..3600000'],
    ['x=error@0', 'x=error@0', 'hit number must be a whole number'],
    ['x=error@two', 'x=error@two', '"@" needs a whole hit number'],
    ['x=crash%0', 'x=crash%0', 'probability must be a percentage above 0'],
    ['x=crash%150', 'x=crash%150', 'at most 100'],
    ['x=crash%', 'x=crash%', '"%" needs a percentage'],
    ['x=crash@3%50', 'x=crash@3%50', '"@" needs a whole hit number'],
    ['x=off@2', 'x=off@2', '"off" takes no trigger'],
    ['Coordinator.Log=crash', 'Coordinator.Log=crash', 'bad name "Coordinator.Log"'],
    ['a..b=crash', 'a..b=crash', 'bad name "a..b"'],
    ['a=crash,,b=error', '', 'empty item'],
    ['a=crash,b=error,a=hang', 'a=hang', 'failpoint a appears twice'],
  ])('rejects %j, naming the item %j: %s', (text, item, reason) => {
    const error = specError(text);

    expect(error.item).toBe(item);
    expect(error.message).toContain(`bad failpoint spec item ${JSON.stringify(item)}`);
    expect(error.message).toContain(reason);
  });

  it('a bad spec error shows the grammar', () => {
    const { message } = specError('x=boom');

    expect(message).toContain('action  := crash | error | hang | off | delay(<ms>)');
    expect(message).toContain('@<n>');
    expect(message).toContain('%<p>');
  });
});
