// Original file: proto/twophase/v1/admin.proto


export interface ListTransactionsRequest {
}

export interface ListTransactionsRequest__Output {
}
