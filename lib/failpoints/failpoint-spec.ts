/**
 * One armed failpoint, `name=action[trigger]`: its typed form, the parser of the
 * textual form (grammar in failpoints.ts and `failpointGrammar`), and the checks
 * both forms pass before anything is armed.
 */
import { assertNever } from '../assert/assert.js';
import type { FailpointAction, FailpointTrigger } from './failpoint-action.js';
import { limits } from '../limits/limits.js';
import { failpointNamePattern } from './failpoint-grammar.js';
import { FailpointSpecError } from './failpoint-spec-error.js';

export interface FailpointSpec {
  readonly name: string;
  readonly action: FailpointAction;
}

/**
 * Parses `name=action[trigger],…`. Blank input arms nothing (an empty
 * `TWOPHASE_FAILPOINTS=` is not an error). Throws `FailpointSpecError` on the
 * first bad item, so nothing is armed from a half-valid spec.
 */
export function parseFailpointSpec(text: string): readonly FailpointSpec[] {
  if (text.trim() === '') return [];
  const specs: FailpointSpec[] = [];
  const seen = new Set<string>();
  for (const rawItem of text.split(',')) {
    const item = rawItem.trim();
    const spec = parseItem(item);
    // two actions for one name would leave the winner to item order: refuse instead
    if (seen.has(spec.name)) throw new FailpointSpecError(item, `failpoint ${spec.name} appears twice`);
    seen.add(spec.name);
    specs.push(spec);
  }
  return specs;
}

/**
 * Checks a typed spec against the same rules as the textual one (code may build
 * actions by hand); throws `FailpointSpecError` naming it in textual form.
 */
export function checkFailpointSpec(spec: FailpointSpec): void {
  const item = formatFailpointSpec(spec);
  checkName(item, spec.name);
  if (spec.action.kind === 'off') return;
  if (spec.action.kind === 'delay') checkDelayMs(item, spec.action.ms);
  if (spec.action.trigger !== undefined) checkTrigger(item, spec.action.trigger);
}

/** The textual form of a spec, as it would be written in `TWOPHASE_FAILPOINTS`. */
export function formatFailpointSpec(spec: FailpointSpec): string {
  const { action } = spec;
  if (action.kind === 'off') return `${spec.name}=off`;
  const fault = action.kind === 'delay' ? `delay(${action.ms})` : action.kind;
  return `${spec.name}=${fault}${formatTrigger(action.trigger)}`;
}

function formatTrigger(trigger: FailpointTrigger | undefined): string {
  if (trigger === undefined) return '';
  switch (trigger.kind) {
    case 'always':
      return '';
    case 'nth':
      return `@${trigger.n}`;
    case 'probability':
      return `%${trigger.percent}`;
    default:
      return assertNever(trigger);
  }
}

function parseItem(item: string): FailpointSpec {
  if (item === '') throw new FailpointSpecError(item, 'empty item (stray comma?)');
  const eq = item.indexOf('=');
  if (eq < 0) throw new FailpointSpecError(item, 'missing "=" between name and action');
  const name = item.slice(0, eq).trim();
  checkName(item, name);
  const rest = item.slice(eq + 1).trim();
  // the trigger starts at the first @ or %; neither can occur inside an action
  const triggerAt = rest.search(/[@%]/);
  const actionText = triggerAt < 0 ? rest : rest.slice(0, triggerAt);
  const triggerText = triggerAt < 0 ? undefined : rest.slice(triggerAt);
  const fault = parseFault(item, actionText);
  if (fault === 'off') {
    if (triggerText !== undefined) throw new FailpointSpecError(item, '"off" takes no trigger');
    return { name, action: { kind: 'off' } };
  }
  if (triggerText === undefined) return { name, action: fault };
  return { name, action: { ...fault, trigger: parseTrigger(item, triggerText) } };
}

function parseFault(item: string, text: string): Exclude<FailpointAction, { kind: 'off' }> | 'off' {
  switch (text) {
    case 'off':
      return 'off';
    case 'crash':
    case 'error':
    case 'hang':
      return { kind: text };
    case '':
      throw new FailpointSpecError(item, 'missing action after "="');
  }
  const delay = /^delay\((\d+)\)$/.exec(text);
  if (delay?.[1] !== undefined) {
    const ms = Number(delay[1]);
    checkDelayMs(item, ms);
    return { kind: 'delay', ms };
  }
  if (text.startsWith('delay')) {
    throw new FailpointSpecError(item, 'delay needs whole milliseconds in parentheses, as in delay(200)');
  }
  throw new FailpointSpecError(item, `unknown action ${JSON.stringify(text)}`);
}

function parseTrigger(item: string, text: string): FailpointTrigger {
  const value = text.slice(1);
  if (text.startsWith('@')) {
    if (!/^\d+$/.test(value)) {
      throw new FailpointSpecError(item, '"@" needs a whole hit number, as in error@3');
    }
    const trigger = { kind: 'nth', n: Number(value) } as const;
    checkTrigger(item, trigger);
    return trigger;
  }
  if (!/^\d+(?:\.\d+)?$/.test(value)) {
    throw new FailpointSpecError(item, '"%" needs a percentage, as in crash%25');
  }
  const trigger = { kind: 'probability', percent: Number(value) } as const;
  checkTrigger(item, trigger);
  return trigger;
}

function checkName(item: string, name: string): void {
  if (name.length > limits.failpointNameLengthMax) {
    throw new FailpointSpecError(item, `name longer than ${limits.failpointNameLengthMax} characters`);
  }
  if (!failpointNamePattern.test(name)) {
    throw new FailpointSpecError(
      item,
      `bad name ${JSON.stringify(name)}: use lowercase words joined by "." and "-"`,
    );
  }
}

function checkDelayMs(item: string, ms: number): void {
  if (!Number.isInteger(ms) || ms < 0 || ms > limits.failpointDelayMsMax) {
    throw new FailpointSpecError(item, `delay must be whole milliseconds 0..${limits.failpointDelayMsMax}`);
  }
}

function checkTrigger(item: string, trigger: FailpointTrigger): void {
  switch (trigger.kind) {
    case 'always':
      return;
    case 'nth':
      if (!Number.isInteger(trigger.n) || trigger.n < 1 || trigger.n > limits.failpointNthMax) {
        throw new FailpointSpecError(item, `hit number must be a whole number 1..${limits.failpointNthMax}`);
      }
      return;
    case 'probability':
      // NaN fails both comparisons' negation, so it is rejected too
      if (!(trigger.percent > 0 && trigger.percent <= 100)) {
        throw new FailpointSpecError(item, 'probability must be a percentage above 0 and at most 100');
      }
      return;
    default:
      assertNever(trigger);
  }
}
