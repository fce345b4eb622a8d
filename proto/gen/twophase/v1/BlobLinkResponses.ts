// Original file: proto/twophase/v1/blob.proto

import type { BlobLinkResponse as _twophase_v1_BlobLinkResponse, BlobLinkResponse__Output as _twophase_v1_BlobLinkResponse__Output } from '../../twophase/v1/BlobLinkResponse.js';

export interface BlobLinkResponses {
  'answers'?: (_twophase_v1_BlobLinkResponse)[];
}

export interface BlobLinkResponses__Output {
  'answers': (_twophase_v1_BlobLinkResponse__Output)[];
}
