/**
 * The bounds of a `FaultProxy` (STYLE.md rule 5). They live beside the proxy rather
 * than in lib/limits because they bound a test tool, not the system under test.
 */
export const faultProxyLimits = {
  /**
   * Bytes one direction of one connection may hold in its delay queue before the proxy
   * stops reading from the sending socket. 8 MiB covers a 100 ms delay at 640 Mbit/s
   * before backpressure slows the sender, which is more than a chaos run needs.
   */
  queuedBytesMaxDefault: 8 * 1024 * 1024,
  /** Smallest queue bound a caller may choose: below one socket read the bound means nothing. */
  queuedBytesMaxMin: 64 * 1024,
  /** Largest queue bound a caller may choose. */
  queuedBytesMaxMax: 256 * 1024 * 1024,
  /** Connections one proxy carries at once; past it a new connection is reset at accept. */
  connectionsMaxDefault: 1024,
  connectionsMaxMax: 65_536,
  /** Longest delay: an hour is past every deadline a chaos run provokes. */
  delayMsMax: 3_600_000,
  /** Characters of a proxy's name, which only labels logs. */
  nameLengthMax: 128,
} as const;
