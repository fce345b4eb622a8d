/** What crossed one direction of a `FaultProxy`, summed over every connection since start. */
export interface DirectionStats {
  /** Bytes read from the sending socket. */
  readonly bytesReceived: number;
  /** Bytes handed to the receiving socket. */
  readonly bytesDelivered: number;
  /**
   * Bytes read that will never be delivered: discarded by a partition, or still queued
   * when their connection closed. `bytesReceived = bytesDelivered + bytesDropped + queued`.
   */
  readonly bytesDropped: number;
}

/** A snapshot of a `FaultProxy`'s counters; see `FaultProxy.stats`. */
export interface FaultProxyStats {
  /** Connections the listener accepted, refused ones included. */
  readonly connectionsAccepted: number;
  /** Accepted connections reset at once: by a `both` partition, `connectionsMax`, or stop. */
  readonly connectionsRefused: number;
  /** Connections the proxy could not open to the target; each one's client was reset. */
  readonly upstreamConnectFailures: number;
  /** Connections carried right now. */
  readonly connectionsOpen: number;
  /** Client → target. */
  readonly forward: DirectionStats;
  /** Target → client. */
  readonly backward: DirectionStats;
  /** Bytes waiting in delay queues right now, over every connection and direction. */
  readonly queuedBytes: number;
  /** The most bytes one direction of one connection ever held in its queue. */
  readonly queuedBytesPeak: number;
  /**
   * The bound on one direction's queue: reading pauses once the queue reaches it, so
   * `queuedBytesPeak` stays below `queuedBytesMax` plus one socket read (64 KiB).
   */
  readonly queuedBytesMax: number;
}
