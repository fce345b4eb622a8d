// Original file: proto/twophase/v1/participant.proto


export interface ListInDoubtRequest {
}

export interface ListInDoubtRequest__Output {
}
