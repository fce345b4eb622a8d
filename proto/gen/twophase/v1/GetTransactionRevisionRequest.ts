// Original file: proto/twophase/v1/metadata.proto


export interface GetTransactionRevisionRequest {
  /**
   * The tx, as Begin returned it.
   */
  'txId'?: (string);
}

export interface GetTransactionRevisionRequest__Output {
  /**
   * The tx, as Begin returned it.
   */
  'txId': (string);
}
