// Original file: proto/twophase/v1/blob.proto


export interface UploadRef {
  'uploadId'?: (string);
}

export interface UploadRef__Output {
  'uploadId': (string);
}
