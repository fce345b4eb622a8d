/**
 * Failpoints: named fault-injection points, inert unless armed.
 *
 * A module defines its failpoints at load and hits them where a fault should be
 * possible:
 *
 *     const beforeSync = defineFailpoint('coordinator.log.before-sync', 'before the decision log fdatasync');
 *     …
 *     await beforeSync.hit();
 *
 * Tests and operators arm them with `TWOPHASE_FAILPOINTS` (read by `armFromEnv`,
 * then `validateArmed` once all modules have loaded) or with `arm`/`armFailpoints`.
 * A failpoint defined `unsafe` (it breaks a guarantee on purpose) is refused with
 * `UnsafeFailpointError` unless the process called `allowUnsafeFailpoints`, which only
 * the `--unsafe-failpoints` start flag does.
 *
 * Grammar of a spec (also in every `FailpointSpecError` message):
 *
 *     spec    := item ( "," item )*                 whitespace around items is ignored
 *     item    := name "=" action [ trigger ]
 *     name    := lowercase words of [a-z0-9] joined by "." and "-"   e.g. coordinator.log.before-sync
 *     action  := crash        SIGKILL this process (nothing flushed, a real kill -9)
 *              | error        throw FailpointError at the hit
 *              | hang         never return from the hit
 *              | delay(<ms>)  wait ms whole milliseconds (0..3600000), then go on
 *              | off          disarm
 *     trigger := @<n>         fire on the nth hit after arming only (n >= 1)
 *              | %<p>         fire on each hit with probability p percent (0 < p <= 100)
 *              (none)         fire on every hit; `off` takes no trigger
 *
 *     e.g. TWOPHASE_FAILPOINTS='coordinator.log.after-sync=crash,participant.blob.prepare=delay(200)%50,x=error@3'
 *
 * This module holds the process-wide registry; `FailpointRegistry` makes
 * isolated ones.
 */
import type { Failpoint } from './failpoint.js';
import type { FailpointAction } from './failpoint-action.js';
import { type ArmOptions, type DefineOptions, FailpointRegistry } from './failpoint-registry.js';
import type { FailpointSpec } from './failpoint-spec.js';

export type { Failpoint } from './failpoint.js';
export type { FailpointAction, FailpointFault, FailpointTrigger } from './failpoint-action.js';
export { FailpointError } from './failpoint-error.js';
export { failpointGrammar } from './failpoint-grammar.js';
export {
  type ArmOptions,
  type DefineOptions,
  FailpointRegistry,
  type FailpointRegistryOptions,
  failpointsEnvVar,
} from './failpoint-registry.js';
export { type FailpointSpec, formatFailpointSpec, parseFailpointSpec } from './failpoint-spec.js';
export { FailpointSpecError } from './failpoint-spec-error.js';
export { UnknownFailpointError } from './unknown-failpoint-error.js';
export { UnsafeFailpointError } from './unsafe-failpoint-error.js';

const registry = new FailpointRegistry();

/** Defines a failpoint of this process; defining a name twice fails an assertion. */
export function defineFailpoint(name: string, description: string, options?: DefineOptions): Failpoint {
  return registry.define(name, description, options);
}

/** Every defined failpoint of this process, sorted by name. */
export function listFailpoints(): readonly { readonly name: string; readonly description: string }[] {
  return registry.list();
}

/** Lets this process arm unsafe failpoints (`--unsafe-failpoints` only): see FailpointRegistry.allowUnsafe. */
export function allowUnsafeFailpoints(): void {
  registry.allowUnsafe();
}

/** Arms one failpoint (defined or not yet); `off` disarms it. Restarts its hit count. */
export function arm(name: string, action: FailpointAction, options?: ArmOptions): void {
  registry.arm(name, action, options);
}

/** Arms every item of `name=action[trigger],…`; all or nothing on `FailpointSpecError`. */
export function armFailpoints(spec: string, options?: ArmOptions): readonly FailpointSpec[] {
  return registry.armSpec(spec, options);
}

/** Arms `TWOPHASE_FAILPOINTS`, if set. */
export function armFromEnv(env: NodeJS.ProcessEnv = process.env, options?: ArmOptions): readonly FailpointSpec[] {
  return registry.armFromEnv(env, options);
}

/** Disarms every failpoint of this process. */
export function disarmAll(): void {
  registry.disarmAll();
}

/** Throws `UnknownFailpointError` for armed names no loaded module defines. */
export function validateArmed(): void {
  registry.validateArmed();
}
