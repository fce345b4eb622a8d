// Original file: proto/twophase/v1/metadata.proto

import type { FileRevision as _twophase_v1_FileRevision, FileRevision__Output as _twophase_v1_FileRevision__Output } from '../../twophase/v1/FileRevision.js';

export interface ListFilesResponse {
  /**
   * The latest revision of each live file, by path.
   */
  'files'?: (_twophase_v1_FileRevision)[];
  /**
   * Pass to get the next page; empty on the last page.
   */
  'nextPageToken'?: (string);
}

export interface ListFilesResponse__Output {
  /**
   * The latest revision of each live file, by path.
   */
  'files': (_twophase_v1_FileRevision__Output)[];
  /**
   * Pass to get the next page; empty on the last page.
   */
  'nextPageToken': (string);
}
