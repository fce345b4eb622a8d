// Original file: proto/twophase/v1/blob.proto

import type { BlobLinkRequest as _twophase_v1_BlobLinkRequest, BlobLinkRequest__Output as _twophase_v1_BlobLinkRequest__Output } from '../../twophase/v1/BlobLinkRequest.js';

export interface BlobLinkRequests {
  'calls'?: (_twophase_v1_BlobLinkRequest)[];
}

export interface BlobLinkRequests__Output {
  'calls': (_twophase_v1_BlobLinkRequest__Output)[];
}
