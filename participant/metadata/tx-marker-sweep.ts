import { assert } from '../../lib/assert/assert.js';
import { limits } from '../../lib/limits/limits.js';
import type { Logger } from '../../lib/logger/logger.js';
import type { MetadataConnections } from './metadata-connections.js';
import type { MetadataStoreSettings } from './metadata-store-settings.js';

type SweepState = { readonly kind: 'idle' } | { readonly kind: 'running'; readonly timer: NodeJS.Timeout } | { readonly kind: 'stopped' };

/**
 * The marker-retention sweep: deletes this participant's tx_markers rows, of either
 * outcome, once they are older than the retention, counted from commit. Between `start`
 * and `stop` it runs every sweep interval in the background (one at a time; a failure is
 * logged and the next interval tries again); `sweepExpiredMarkers` runs one sweep now.
 */
export class TxMarkerSweep {
  private state: SweepState = { kind: 'idle' };
  private sweeping = false;

  constructor(
    private readonly settings: Pick<MetadataStoreSettings, 'participantId' | 'markerRetentionMs' | 'markerSweepIntervalMs'>,
    private readonly connections: MetadataConnections,
    private readonly logger: Logger,
  ) {}

  /** Sweeps now in the background, and every sweep interval from then on, until `stop`. */
  start(): void {
    assert(this.state.kind !== 'running', 'the marker sweep is not running already');
    const timer = setInterval(() => void this.sweepInBackground(), this.settings.markerSweepIntervalMs);
    timer.unref();
    this.state = { kind: 'running', timer };
    void this.sweepInBackground();
  }

  /** No sweep begins after this; one already running goes on to its end. */
  stop(): void {
    if (this.state.kind === 'running') clearInterval(this.state.timer);
    this.state = { kind: 'stopped' };
  }

  /**
   * Deletes marker rows committed longer ago than the retention; returns how many. A
   * marker answers a Commit that PostgreSQL no longer has a prepared transaction for: one
   * re-sent after a lost ack, or after a restart of either side. The coordinator re-sends
   * only until the ack arrives, so after days nobody asks any more, and without a sweep
   * the table would grow by a row per tx forever.
   *
   * The retention counts from commit, not from the marker's insert (the branch's first
   * write, maybe days before a long doubt ends): each sweep first stamps `committed_at` on
   * the markers it sees for the first time, and deletes only markers stamped longer ago
   * than the retention. A marker of a branch still prepared is uncommitted, hence
   * invisible to both statements, so it is stamped only once COMMIT PREPARED made it
   * visible: every marker stays at least the retention after its commit (and at most one
   * sweep interval more). A one-phase committed marker (last-resource mode) is stamped the
   * same way; an aborted one is stamped by the compare-and-set that writes it, in the same
   * statement, and kept as long: until then a late branch of its tx is refused, and a
   * resolve repeated after a lost answer reads the same outcome. Bounded per call
   * (batches × batch size); the next sweep goes on where this one stopped.
   */
  async sweepExpiredMarkers(): Promise<number> {
    for (let batch = 0; batch < limits.metadataMarkerSweepBatchesMax; batch++) {
      const result = await this.connections.query(
        `UPDATE tx_markers SET committed_at = clock_timestamp() WHERE (tx_id, participant_id) IN (
           SELECT tx_id, participant_id FROM tx_markers
           WHERE participant_id = $1 AND committed_at IS NULL
           LIMIT $2)`,
        [this.settings.participantId, limits.metadataMarkerSweepBatchMax],
      );
      if ((result.rowCount ?? 0) < limits.metadataMarkerSweepBatchMax) break;
    }
    let deleted = 0;
    for (let batch = 0; batch < limits.metadataMarkerSweepBatchesMax; batch++) {
      const result = await this.connections.query(
        `DELETE FROM tx_markers WHERE (tx_id, participant_id) IN (
           SELECT tx_id, participant_id FROM tx_markers
           WHERE participant_id = $1 AND committed_at < clock_timestamp() - $2 * interval '1 millisecond'
           LIMIT $3)`,
        [this.settings.participantId, this.settings.markerRetentionMs, limits.metadataMarkerSweepBatchMax],
      );
      const count = result.rowCount ?? 0;
      deleted += count;
      if (count < limits.metadataMarkerSweepBatchMax) break;
    }
    if (deleted > 0) this.logger.info({ deleted, retentionMs: this.settings.markerRetentionMs }, 'expired tx markers deleted');
    return deleted;
  }

  private async sweepInBackground(): Promise<void> {
    if (this.sweeping || this.state.kind !== 'running') return;
    this.sweeping = true;
    try {
      await this.sweepExpiredMarkers();
    } catch (err) {
      // markers only accumulate until the next sweep: nothing to stop for
      this.logger.warn({ err }, 'tx marker sweep failed; retrying at the next interval');
    } finally {
      this.sweeping = false;
    }
  }
}
