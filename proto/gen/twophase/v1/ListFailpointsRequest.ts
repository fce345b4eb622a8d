// Original file: proto/twophase/v1/admin.proto


export interface ListFailpointsRequest {
}

export interface ListFailpointsRequest__Output {
}
