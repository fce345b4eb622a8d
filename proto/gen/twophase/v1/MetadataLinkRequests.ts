// Original file: proto/twophase/v1/metadata.proto

import type { MetadataLinkRequest as _twophase_v1_MetadataLinkRequest, MetadataLinkRequest__Output as _twophase_v1_MetadataLinkRequest__Output } from '../../twophase/v1/MetadataLinkRequest.js';

export interface MetadataLinkRequests {
  'calls'?: (_twophase_v1_MetadataLinkRequest)[];
}

export interface MetadataLinkRequests__Output {
  'calls': (_twophase_v1_MetadataLinkRequest__Output)[];
}
