// Original file: proto/twophase/v1/blob.proto


export interface DeleteUploadResponse {
}

export interface DeleteUploadResponse__Output {
}
