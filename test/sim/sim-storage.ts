import type { ResourceManager } from '../../participant/resource-manager.js';
import type { BranchHolder } from './sim-checker.js';
import type { SimClock } from './sim-clock.js';

/**
 * What a simulated participant machine keeps its branches in, as its host drives it: the
 * resource manager each incarnation runs on, the work a client does in a tx, crashes, and
 * the ground truth the checker reads (BranchHolder).
 */
export interface SimStorage extends BranchHolder {
  readonly participantId: string;
  /** The resource manager of a new incarnation, on that incarnation's clock. */
  open(clock: SimClock): ResourceManager;
  /** One client operation of the tx (a Put, a staged revision); the runtime calls it under the tx's lock. */
  work(txId: string, op: number): Promise<void>;
  /** The process died (`machine`: the machine lost power too): volatile work and calls in flight are gone. */
  crash(machine: boolean): void;
  /** Txs with a branch not finished (working, being prepared or prepared), for liveness and the no-orphans check. */
  leftovers(): string[];
  /** Fault outside the protocol: a prepared branch vanishes (an operator's rollback); the tx damaged, or undefined if none could. */
  heuristicRollback(): string | undefined;
}
