// Original file: proto/twophase/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface TransactionInfo {
  'txId'?: (string);
  /**
   * active, preparing, deciding, committing, aborting, committingLast, resolving.
   */
  'state'?: (string);
  /**
   * When the coordinator began it, or decided it for a tx recovered from the log (Unix epoch ms).
   */
  'sinceUnixMs'?: (number | string | Long);
  /**
   * Enlisted participants, in enlist order.
   */
  'participants'?: (string)[];
  /**
   * Participants that have not acked the decision yet (committing, aborting).
   */
  'pending'?: (string)[];
}

export interface TransactionInfo__Output {
  'txId': (string);
  /**
   * active, preparing, deciding, committing, aborting, committingLast, resolving.
   */
  'state': (string);
  /**
   * When the coordinator began it, or decided it for a tx recovered from the log (Unix epoch ms).
   */
  'sinceUnixMs': (string);
  /**
   * Enlisted participants, in enlist order.
   */
  'participants': (string)[];
  /**
   * Participants that have not acked the decision yet (committing, aborting).
   */
  'pending': (string)[];
}
