// Original file: proto/twophase/v1/metadata.proto

import type { MetadataLinkResponse as _twophase_v1_MetadataLinkResponse, MetadataLinkResponse__Output as _twophase_v1_MetadataLinkResponse__Output } from '../../twophase/v1/MetadataLinkResponse.js';

export interface MetadataLinkResponses {
  'answers'?: (_twophase_v1_MetadataLinkResponse)[];
}

export interface MetadataLinkResponses__Output {
  'answers': (_twophase_v1_MetadataLinkResponse__Output)[];
}
