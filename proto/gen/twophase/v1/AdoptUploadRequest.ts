// Original file: proto/twophase/v1/blob.proto


export interface AdoptUploadRequest {
  'uploadId'?: (string);
  'txId'?: (string);
}

export interface AdoptUploadRequest__Output {
  'uploadId': (string);
  'txId': (string);
}
