import { setTimeout as pause } from 'node:timers/promises';
import type { Prng } from '../lib/prng/prng.js';
import type { FaultProxy } from '../lib/fault-proxy/fault-proxy.js';
import { adminProcesses, failpointPrefix, isReachedIn, isUnsafeFailpoint, linkNames, type AdminProcess, type ChaosTarget, type CommitMode, type LinkName } from './chaos-target.js';

export const faultKinds = ['kill', 'partition', 'delay', 'drop', 'failpoint'] as const;
export type FaultKind = (typeof faultKinds)[number];
const networkFaults: readonly FaultKind[] = ['partition', 'delay', 'drop'];

export interface FaultRecord {
  readonly atMs: number;
  readonly kind: FaultKind;
  readonly target: string;
  readonly detail: string;
}


/**
 * Injects faults drawn from the run's PRNG until `untilMs`: kills (PostgreSQL included),
 * partitions (both ways or one way), delays and dropped connections on links, and
 * failpoints armed through the Admin service. Each timed fault heals itself.
 */
export class ChaosFaults {
  readonly injected: FaultRecord[] = [];
  private readonly healing = new Set<Promise<void>>();
  private points: Record<AdminProcess, string[]> = { coordinator: [], blob: [], metadata: [] };
  private readonly links: readonly LinkName[];
  private readonly kinds: readonly FaultKind[];

  constructor(
    private readonly system: ChaosTarget,
    private readonly rng: Prng,
    private readonly say: (text: string) => void,
    kinds: readonly FaultKind[] = faultKinds,
    /** The system's commit mode, when the run knows it: failpoints its txs never pass are not drawn. */
    private readonly commitMode?: CommitMode,
  ) {
    this.links = linkNames.filter((l) => system.proxies[l] !== undefined);
    // a kind with nothing to act on is left out, not drawn and skipped: the schedule stays a function of the seed
    this.kinds = kinds.filter((k) => (networkFaults.includes(k) ? this.links.length > 0 : k === 'kill' ? system.killable.length > 0 : true));
  }

  /** The fault kinds this run draws from. */
  get active(): readonly FaultKind[] {
    return this.kinds;
  }

  async run(untilMs: number, startedAtMs: number): Promise<void> {
    while (Date.now() < untilMs && this.kinds.length > 0) {
      await pause(this.rng.int(1_000, 4_000));
      if (Date.now() >= untilMs) break;
      await this.injectOne(startedAtMs).catch((err: unknown) => this.say(`fault injection failed: ${err instanceof Error ? err.message : String(err)}`));
    }
  }

  /** Waits for timed faults to heal themselves, then heals everything. */
  async healAll(): Promise<void> {
    await Promise.allSettled([...this.healing]);
    this.system.heal();
    await Promise.allSettled(adminProcesses.map((p) => this.system.disarmFailpoints(p)));
  }

  private async injectOne(startedAtMs: number): Promise<void> {
    const kind = this.rng.pick(this.kinds);
    const record = (target: string, detail: string): void => {
      this.injected.push({ atMs: Date.now() - startedAtMs, kind, target, detail });
      this.say(`fault: ${kind} ${target} ${detail}`.trim());
    };
    switch (kind) {
      case 'kill': {
        const target = this.rng.pick(this.system.killable);
        await this.system.kill(target);
        record(target, '');
        return;
      }
      case 'partition': {
        const { link, proxy } = this.pickLink();
        const direction = this.rng.pick(['both', 'forward', 'backward'] as const);
        const durationMs = this.rng.int(1_000, 5_000);
        record(link, `${direction} for ${durationMs} ms`);
        proxy.partition(direction);
        this.later(durationMs, () => proxy.heal());
        return;
      }
      case 'delay': {
        const { link, proxy } = this.pickLink();
        const delayMs = this.rng.int(20, 400);
        const durationMs = this.rng.int(2_000, 6_000);
        record(link, `${delayMs} ms for ${durationMs} ms`);
        proxy.setDelay(delayMs);
        this.later(durationMs, () => proxy.setDelay(0));
        return;
      }
      case 'drop': {
        const { link, proxy } = this.pickLink();
        record(link, 'connections dropped');
        proxy.dropConnections();
        return;
      }
      case 'failpoint': {
        const target = this.rng.pick(adminProcesses);
        const point = this.rng.pick(await this.pointsOf(target));
        const action = this.rng.pick(['crash', 'crash', 'error', `delay(${this.rng.int(200, 2_000)})`]);
        const spec = `${point}=${action}@${this.rng.int(1, 3)}`;
        await this.system.armFailpoints(target, spec);
        record(target, spec);
        this.later(3_000, () => this.system.disarmFailpoints(target).catch(() => undefined));
        return;
      }
      default: {
        const never: never = kind;
        throw new Error(`unknown fault ${String(never)}`);
      }
    }
  }

  /** A link with a fault proxy, drawn from the seed. */
  private pickLink(): { link: LinkName; proxy: FaultProxy } {
    const link = this.rng.pick(this.links);
    const proxy = this.system.proxies[link];
    if (proxy === undefined) throw new Error(`link ${link} has no fault proxy`);
    return { link, proxy };
  }

  /** The failpoints a process defines (the UNSAFE switch and those the mode never passes left out), asked once it answers. */
  private async pointsOf(p: AdminProcess): Promise<string[]> {
    if (this.points[p].length === 0) {
      const all = await this.system.failpoints(p);
      const mode = this.commitMode;
      this.points[p] = all.filter((name) => name.startsWith(failpointPrefix[p]) && !isUnsafeFailpoint(name) && (mode === undefined || isReachedIn(name, mode)));
    }
    return this.points[p];
  }

  private later(ms: number, heal: () => unknown): void {
    const done = pause(ms).then(async () => {
      await heal();
    });
    this.healing.add(done);
    void done.finally(() => this.healing.delete(done));
  }
}
