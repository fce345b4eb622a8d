// Original file: proto/twophase/v1/blob.proto

import type { PutHeader as _twophase_v1_PutHeader, PutHeader__Output as _twophase_v1_PutHeader__Output } from '../../twophase/v1/PutHeader.js';

export interface PutRequest {
  /**
   * First message only.
   */
  'header'?: (_twophase_v1_PutHeader | null);
  /**
   * Every later message: the next bytes, at most 1 MiB each.
   */
  'chunk'?: (Buffer | Uint8Array | string);
  'part'?: "header"|"chunk";
}

export interface PutRequest__Output {
  /**
   * First message only.
   */
  'header'?: (_twophase_v1_PutHeader__Output | null);
  /**
   * Every later message: the next bytes, at most 1 MiB each.
   */
  'chunk'?: (Buffer);
  'part'?: "header"|"chunk";
}
