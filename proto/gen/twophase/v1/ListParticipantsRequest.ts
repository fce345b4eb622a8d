// Original file: proto/twophase/v1/coordinator.proto


export interface ListParticipantsRequest {
}

export interface ListParticipantsRequest__Output {
}
