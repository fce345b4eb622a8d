// Original file: proto/twophase/v1/metadata.proto


export interface ListFilesRequest {
  /**
   * See StageRevisionRequest.
   */
  'namespace'?: (string);
  /**
   * Only paths starting with this (empty for all).
   */
  'prefix'?: (string);
  /**
   * At most this many (1–1000; 0 means 100).
   */
  'pageSize'?: (number);
  /**
   * From a previous response's `next_page_token`; empty for the first page.
   */
  'pageToken'?: (string);
}

export interface ListFilesRequest__Output {
  /**
   * See StageRevisionRequest.
   */
  'namespace': (string);
  /**
   * Only paths starting with this (empty for all).
   */
  'prefix': (string);
  /**
   * At most this many (1–1000; 0 means 100).
   */
  'pageSize': (number);
  /**
   * From a previous response's `next_page_token`; empty for the first page.
   */
  'pageToken': (string);
}
