// Original file: proto/twophase/v1/admin.proto

import type { TransactionInfo as _twophase_v1_TransactionInfo, TransactionInfo__Output as _twophase_v1_TransactionInfo__Output } from '../../twophase/v1/TransactionInfo.js';

export interface ListTransactionsResponse {
  'transactions'?: (_twophase_v1_TransactionInfo)[];
}

export interface ListTransactionsResponse__Output {
  'transactions': (_twophase_v1_TransactionInfo__Output)[];
}
