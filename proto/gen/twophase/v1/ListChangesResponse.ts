// Original file: proto/twophase/v1/metadata.proto

import type { Change as _twophase_v1_Change, Change__Output as _twophase_v1_Change__Output } from '../../twophase/v1/Change.js';

export interface ListChangesResponse {
  'changes'?: (_twophase_v1_Change)[];
}

export interface ListChangesResponse__Output {
  'changes': (_twophase_v1_Change__Output)[];
}
