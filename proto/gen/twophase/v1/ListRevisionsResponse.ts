// Original file: proto/twophase/v1/metadata.proto

import type { FileRevision as _twophase_v1_FileRevision, FileRevision__Output as _twophase_v1_FileRevision__Output } from '../../twophase/v1/FileRevision.js';

export interface ListRevisionsResponse {
  /**
   * Newest first; tombstones included.
   */
  'revisions'?: (_twophase_v1_FileRevision)[];
  /**
   * Pass to get the next page; empty on the last page.
   */
  'nextPageToken'?: (string);
}

export interface ListRevisionsResponse__Output {
  /**
   * Newest first; tombstones included.
   */
  'revisions': (_twophase_v1_FileRevision__Output)[];
  /**
   * Pass to get the next page; empty on the last page.
   */
  'nextPageToken': (string);
}
