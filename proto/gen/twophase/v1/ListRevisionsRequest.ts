// Original file: proto/twophase/v1/metadata.proto


export interface ListRevisionsRequest {
  /**
   * See StageRevisionRequest.
   */
  'namespace'?: (string);
  /**
   * See StageRevisionRequest.
   */
  'path'?: (string);
  /**
   * At most this many (1–1000; 0 means 100).
   */
  'pageSize'?: (number);
  /**
   * From a previous response's `next_page_token`; empty for the first page.
   */
  'pageToken'?: (string);
}

export interface ListRevisionsRequest__Output {
  /**
   * See StageRevisionRequest.
   */
  'namespace': (string);
  /**
   * See StageRevisionRequest.
   */
  'path': (string);
  /**
   * At most this many (1–1000; 0 means 100).
   */
  'pageSize': (number);
  /**
   * From a previous response's `next_page_token`; empty for the first page.
   */
  'pageToken': (string);
}
