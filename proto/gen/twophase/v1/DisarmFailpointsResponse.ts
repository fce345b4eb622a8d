// Original file: proto/twophase/v1/admin.proto


export interface DisarmFailpointsResponse {
}

export interface DisarmFailpointsResponse__Output {
}
