// Original file: proto/twophase/v1/admin.proto


export interface DisarmFailpointsRequest {
}

export interface DisarmFailpointsRequest__Output {
}
