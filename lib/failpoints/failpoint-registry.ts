/**
 * The failpoints one process defines and the specs armed for them. Modules define
 * their failpoints at load; arming usually happens earlier (from the environment,
 * before those modules load), so specs are kept by name and applied whenever the
 * failpoint is defined. `validateArmed` then catches names nobody defined.
 */
import { assert, assertNever } from '../assert/assert.js';
import type { Failpoint } from './failpoint.js';
import type { FailpointAction, FailpointFault, FailpointTrigger } from './failpoint-action.js';
import { FailpointError } from './failpoint-error.js';
import { limits } from '../limits/limits.js';
import { failpointNamePattern } from './failpoint-grammar.js';
import { checkFailpointSpec, type FailpointSpec, parseFailpointSpec } from './failpoint-spec.js';
import { UnknownFailpointError } from './unknown-failpoint-error.js';
import { UnsafeFailpointError } from './unsafe-failpoint-error.js';

/** The variable `armFromEnv` reads. */
export const failpointsEnvVar = 'TWOPHASE_FAILPOINTS';

export interface FailpointRegistryOptions {
  /**
   * Kills this process for a `crash`. Default: SIGKILL to itself, so nothing is
   * flushed and no handler runs, exactly as in `kill -9`. Replaceable so that
   * when and whether a crash fires can be tested without dying.
   */
  readonly crash?: () => void;
}

export interface DefineOptions {
  /**
   * The failpoint breaks a guarantee on purpose (a mutant that proves the checkers can
   * fail), instead of only delaying, crashing or failing an operation as real faults do.
   * It is armed only in a registry that `allowUnsafe` was called on, and its name contains
   * `.unsafe.` so that tools can leave it out by name.
   */
  readonly unsafe?: boolean;
}

export interface ArmOptions {
  /**
   * Source of uniform numbers in [0, 1) for probability triggers. Default
   * `Math.random`; a seeded generator makes a run replayable.
   */
  readonly random?: () => number;
}

/** The live state of an armed failpoint; reset by every arm. */
interface Armed {
  readonly fault: FailpointFault;
  readonly trigger: FailpointTrigger;
  readonly random: () => number;
  /** Hits since arming, for `@n` triggers. */
  hits: number;
}

export class FailpointRegistry {
  readonly #crash: () => void;
  readonly #defined = new Map<string, DefinedFailpoint>();
  /** Armed specs by name, defined or not yet: arming may precede definition. */
  readonly #armed = new Map<string, { readonly action: FailpointAction; readonly random: () => number }>();
  #unsafeAllowed = false;

  constructor(options: FailpointRegistryOptions = {}) {
    this.#crash = options.crash ?? killSelf;
  }

  /**
   * Defines a failpoint; call once per name, at module load. Defining a name twice
   * is a bug (two places would share one fault) and fails an assertion.
   */
  define(name: string, description: string, options: DefineOptions = {}): Failpoint {
    assert(
      name.length <= limits.failpointNameLengthMax && failpointNamePattern.test(name),
      `failpoint name ${JSON.stringify(name)} is lowercase words joined by "." and "-"`,
    );
    assert(!this.#defined.has(name), `failpoint ${name} is defined once`);
    const unsafe = options.unsafe === true;
    assert(unsafe === name.includes('.unsafe.'), `failpoint ${name}: a name contains ".unsafe." exactly when the failpoint is unsafe`);
    const failpoint = new DefinedFailpoint(name, description, unsafe, this.#crash);
    this.#defined.set(name, failpoint);
    const armed = this.#armed.get(name);
    // an unsafe one armed early stays inert unless allowed; validateArmed reports it
    if (armed !== undefined && (!unsafe || this.#unsafeAllowed)) failpoint.arm(armed.action, armed.random);
    return failpoint;
  }

  /**
   * Lets unsafe failpoints be armed in this registry from now on. A process calls it only
   * when started with `--unsafe-failpoints`, so no environment variable or Admin call can
   * make a production process break its guarantees.
   */
  allowUnsafe(): void {
    this.#unsafeAllowed = true;
    for (const [name, armed] of this.#armed) this.#defined.get(name)?.arm(armed.action, armed.random);
  }

  /** Every defined failpoint, sorted by name. */
  list(): readonly { readonly name: string; readonly description: string }[] {
    return [...this.#defined.values()]
      .map(({ name, description }) => ({ name, description }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Arms (or, with `off`, disarms) one failpoint, replacing what it was armed with
   * and restarting its hit count. The name need not be defined yet; see
   * `validateArmed`. Throws `FailpointSpecError` for a bad name or action, and
   * `UnsafeFailpointError` for a defined unsafe failpoint (unless `allowUnsafe`; `off` is
   * always allowed).
   */
  arm(name: string, action: FailpointAction, options: ArmOptions = {}): void {
    checkFailpointSpec({ name, action });
    this.#checkSafe([{ name, action }]);
    const random = options.random ?? Math.random;
    this.#armed.set(name, { action, random });
    this.#defined.get(name)?.arm(action, random);
  }

  /**
   * Arms every item of a textual spec, `name=action[trigger],…` (grammar in
   * failpoints.ts). All or nothing: a bad item throws `FailpointSpecError` before
   * anything is armed. Returns what was armed.
   */
  armSpec(text: string, options: ArmOptions = {}): readonly FailpointSpec[] {
    const specs = parseFailpointSpec(text);
    this.#checkSafe(specs);
    for (const { name, action } of specs) this.arm(name, action, options);
    return specs;
  }

  /** `armSpec` of `TWOPHASE_FAILPOINTS`; an unset or blank variable arms nothing. */
  armFromEnv(env: NodeJS.ProcessEnv = process.env, options: ArmOptions = {}): readonly FailpointSpec[] {
    return this.armSpec(env[failpointsEnvVar] ?? '', options);
  }

  /** Disarms every failpoint and forgets every armed spec. */
  disarmAll(): void {
    this.#armed.clear();
    for (const failpoint of this.#defined.values()) failpoint.disarm();
  }

  /**
   * Throws `UnknownFailpointError` listing every armed name that no module has
   * defined. Call once every module that defines failpoints has loaded.
   */
  validateArmed(): void {
    const unknown = [...this.#armed.keys()].filter((name) => !this.#defined.has(name)).sort();
    if (unknown.length > 0) throw new UnknownFailpointError(unknown);
    if (!this.#unsafeAllowed) {
      const unsafe = [...this.#armed].filter(([name, { action }]) => action.kind !== 'off' && this.#defined.get(name)?.unsafe === true).map(([name]) => name);
      if (unsafe.length > 0) throw new UnsafeFailpointError(unsafe.sort());
    }
  }

  /** All or nothing: refuses the whole spec when it would arm a defined unsafe failpoint without `allowUnsafe`. */
  #checkSafe(specs: readonly FailpointSpec[]): void {
    if (this.#unsafeAllowed) return;
    const unsafe = specs.filter((s) => s.action.kind !== 'off' && this.#defined.get(s.name)?.unsafe === true).map((s) => s.name);
    if (unsafe.length > 0) throw new UnsafeFailpointError([...new Set(unsafe)].sort());
  }
}

class DefinedFailpoint implements Failpoint {
  /** `undefined` whenever disarmed, so the unarmed `hit` is one field read. */
  #armed: Armed | undefined = undefined;
  readonly #crash: () => void;

  constructor(
    readonly name: string,
    readonly description: string,
    readonly unsafe: boolean,
    crash: () => void,
  ) {
    this.#crash = crash;
  }

  arm(action: FailpointAction, random: () => number): void {
    this.#armed =
      action.kind === 'off'
        ? undefined
        : { fault: action, trigger: action.trigger ?? { kind: 'always' }, random, hits: 0 };
  }

  disarm(): void {
    this.#armed = undefined;
  }

  hit(): Promise<void> | undefined {
    const armed = this.#armed;
    if (armed === undefined) return undefined;
    if (!this.#fires(armed)) return undefined;
    return this.#inject(armed.fault);
  }

  #fires(armed: Armed): boolean {
    const { trigger } = armed;
    switch (trigger.kind) {
      case 'always':
        return true;
      case 'nth': {
        armed.hits += 1;
        if (armed.hits !== trigger.n) return false;
        // it never fires again: go back to the free path
        this.#armed = undefined;
        return true;
      }
      case 'probability': {
        const r = armed.random();
        assert(r >= 0 && r < 1, `failpoint random source returns [0, 1), got ${r}`);
        return r < trigger.percent / 100;
      }
      default:
        return assertNever(trigger);
    }
  }

  #inject(fault: FailpointFault): Promise<void> {
    switch (fault.kind) {
      case 'crash':
        this.#crash();
        // SIGKILL may land a moment after kill() returns: nothing after the hit may run
        return never();
      case 'error':
        // thrown, not rejected: the fault lands at the hit even if a caller forgot to await
        throw new FailpointError(this.name);
      case 'delay':
        return new Promise((resolve) => setTimeout(resolve, fault.ms));
      case 'hang':
        return never();
      default:
        return assertNever(fault);
    }
  }
}

function killSelf(): void {
  process.kill(process.pid, 'SIGKILL');
}

/**
 * A promise that never settles. It holds no timer, so on its own it does not keep
 * the process alive: a hung server stays up because of its sockets, as a real one would.
 */
function never(): Promise<never> {
  return new Promise<never>(() => undefined);
}
