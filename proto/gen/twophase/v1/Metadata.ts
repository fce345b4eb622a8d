// Original file: proto/twophase/v1/metadata.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { Change as _twophase_v1_Change, Change__Output as _twophase_v1_Change__Output } from '../../twophase/v1/Change.js';
import type { DeleteFileRequest as _twophase_v1_DeleteFileRequest, DeleteFileRequest__Output as _twophase_v1_DeleteFileRequest__Output } from '../../twophase/v1/DeleteFileRequest.js';
import type { DeleteFileResponse as _twophase_v1_DeleteFileResponse, DeleteFileResponse__Output as _twophase_v1_DeleteFileResponse__Output } from '../../twophase/v1/DeleteFileResponse.js';
import type { FileRevision as _twophase_v1_FileRevision, FileRevision__Output as _twophase_v1_FileRevision__Output } from '../../twophase/v1/FileRevision.js';
import type { GetFileRequest as _twophase_v1_GetFileRequest, GetFileRequest__Output as _twophase_v1_GetFileRequest__Output } from '../../twophase/v1/GetFileRequest.js';
import type { GetTransactionRevisionRequest as _twophase_v1_GetTransactionRevisionRequest, GetTransactionRevisionRequest__Output as _twophase_v1_GetTransactionRevisionRequest__Output } from '../../twophase/v1/GetTransactionRevisionRequest.js';
import type { ListChangesRequest as _twophase_v1_ListChangesRequest, ListChangesRequest__Output as _twophase_v1_ListChangesRequest__Output } from '../../twophase/v1/ListChangesRequest.js';
import type { ListChangesResponse as _twophase_v1_ListChangesResponse, ListChangesResponse__Output as _twophase_v1_ListChangesResponse__Output } from '../../twophase/v1/ListChangesResponse.js';
import type { ListFilesRequest as _twophase_v1_ListFilesRequest, ListFilesRequest__Output as _twophase_v1_ListFilesRequest__Output } from '../../twophase/v1/ListFilesRequest.js';
import type { ListFilesResponse as _twophase_v1_ListFilesResponse, ListFilesResponse__Output as _twophase_v1_ListFilesResponse__Output } from '../../twophase/v1/ListFilesResponse.js';
import type { ListRevisionsRequest as _twophase_v1_ListRevisionsRequest, ListRevisionsRequest__Output as _twophase_v1_ListRevisionsRequest__Output } from '../../twophase/v1/ListRevisionsRequest.js';
import type { ListRevisionsResponse as _twophase_v1_ListRevisionsResponse, ListRevisionsResponse__Output as _twophase_v1_ListRevisionsResponse__Output } from '../../twophase/v1/ListRevisionsResponse.js';
import type { MetadataLinkRequests as _twophase_v1_MetadataLinkRequests, MetadataLinkRequests__Output as _twophase_v1_MetadataLinkRequests__Output } from '../../twophase/v1/MetadataLinkRequests.js';
import type { MetadataLinkResponses as _twophase_v1_MetadataLinkResponses, MetadataLinkResponses__Output as _twophase_v1_MetadataLinkResponses__Output } from '../../twophase/v1/MetadataLinkResponses.js';
import type { StageRevisionRequest as _twophase_v1_StageRevisionRequest, StageRevisionRequest__Output as _twophase_v1_StageRevisionRequest__Output } from '../../twophase/v1/StageRevisionRequest.js';
import type { StageRevisionResponse as _twophase_v1_StageRevisionResponse, StageRevisionResponse__Output as _twophase_v1_StageRevisionResponse__Output } from '../../twophase/v1/StageRevisionResponse.js';
import type { WatchChangesRequest as _twophase_v1_WatchChangesRequest, WatchChangesRequest__Output as _twophase_v1_WatchChangesRequest__Output } from '../../twophase/v1/WatchChangesRequest.js';

/**
 * Writes happen inside a tx and are held by the prepared PostgreSQL transaction until
 * the decision; reads see committed data only.
 */
export interface MetadataClient extends grpc.Client {
  /**
   * Adds a tombstone revision inside the tx. NOT_FOUND when the file does not exist or
   * is already deleted; the same conditions and codes as StageRevision otherwise.
   */
  DeleteFile(argument: _twophase_v1_DeleteFileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_DeleteFileResponse__Output>): grpc.ClientUnaryCall;
  DeleteFile(argument: _twophase_v1_DeleteFileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_DeleteFileResponse__Output>): grpc.ClientUnaryCall;
  DeleteFile(argument: _twophase_v1_DeleteFileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_DeleteFileResponse__Output>): grpc.ClientUnaryCall;
  DeleteFile(argument: _twophase_v1_DeleteFileRequest, callback: grpc.requestCallback<_twophase_v1_DeleteFileResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Adds a tombstone revision inside the tx. NOT_FOUND when the file does not exist or
   * is already deleted; the same conditions and codes as StageRevision otherwise.
   */
  deleteFile(argument: _twophase_v1_DeleteFileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_DeleteFileResponse__Output>): grpc.ClientUnaryCall;
  deleteFile(argument: _twophase_v1_DeleteFileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_DeleteFileResponse__Output>): grpc.ClientUnaryCall;
  deleteFile(argument: _twophase_v1_DeleteFileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_DeleteFileResponse__Output>): grpc.ClientUnaryCall;
  deleteFile(argument: _twophase_v1_DeleteFileRequest, callback: grpc.requestCallback<_twophase_v1_DeleteFileResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A committed file: its latest revision, or the one named. NOT_FOUND if absent or deleted.
   */
  GetFile(argument: _twophase_v1_GetFileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_FileRevision__Output>): grpc.ClientUnaryCall;
  GetFile(argument: _twophase_v1_GetFileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_FileRevision__Output>): grpc.ClientUnaryCall;
  GetFile(argument: _twophase_v1_GetFileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_FileRevision__Output>): grpc.ClientUnaryCall;
  GetFile(argument: _twophase_v1_GetFileRequest, callback: grpc.requestCallback<_twophase_v1_FileRevision__Output>): grpc.ClientUnaryCall;
  /**
   * A committed file: its latest revision, or the one named. NOT_FOUND if absent or deleted.
   */
  getFile(argument: _twophase_v1_GetFileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_FileRevision__Output>): grpc.ClientUnaryCall;
  getFile(argument: _twophase_v1_GetFileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_FileRevision__Output>): grpc.ClientUnaryCall;
  getFile(argument: _twophase_v1_GetFileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_FileRevision__Output>): grpc.ClientUnaryCall;
  getFile(argument: _twophase_v1_GetFileRequest, callback: grpc.requestCallback<_twophase_v1_FileRevision__Output>): grpc.ClientUnaryCall;
  
  /**
   * The revision a committed tx wrote (the first, if it wrote several), so that a caller
   * may be told the outcome of a tx only when it may read that file's namespace.
   * NOT_FOUND when the tx wrote no committed revision here: it aborted, is not decided
   * yet, wrote elsewhere, or never was.
   */
  GetTransactionRevision(argument: _twophase_v1_GetTransactionRevisionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_FileRevision__Output>): grpc.ClientUnaryCall;
  GetTransactionRevision(argument: _twophase_v1_GetTransactionRevisionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_FileRevision__Output>): grpc.ClientUnaryCall;
  GetTransactionRevision(argument: _twophase_v1_GetTransactionRevisionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_FileRevision__Output>): grpc.ClientUnaryCall;
  GetTransactionRevision(argument: _twophase_v1_GetTransactionRevisionRequest, callback: grpc.requestCallback<_twophase_v1_FileRevision__Output>): grpc.ClientUnaryCall;
  /**
   * The revision a committed tx wrote (the first, if it wrote several), so that a caller
   * may be told the outcome of a tx only when it may read that file's namespace.
   * NOT_FOUND when the tx wrote no committed revision here: it aborted, is not decided
   * yet, wrote elsewhere, or never was.
   */
  getTransactionRevision(argument: _twophase_v1_GetTransactionRevisionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_FileRevision__Output>): grpc.ClientUnaryCall;
  getTransactionRevision(argument: _twophase_v1_GetTransactionRevisionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_FileRevision__Output>): grpc.ClientUnaryCall;
  getTransactionRevision(argument: _twophase_v1_GetTransactionRevisionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_FileRevision__Output>): grpc.ClientUnaryCall;
  getTransactionRevision(argument: _twophase_v1_GetTransactionRevisionRequest, callback: grpc.requestCallback<_twophase_v1_FileRevision__Output>): grpc.ClientUnaryCall;
  
  /**
   * StageRevision and DeleteFile multiplexed over one long-lived stream, as
   * Coordinator.Link does for its methods: the same requests, answers and status codes
   * (trailing metadata in LinkError.metadata), tagged with call ids. The SDK uses it, and
   * falls back to the unary methods when a server answers UNIMPLEMENTED.
   */
  Link(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_twophase_v1_MetadataLinkRequests, _twophase_v1_MetadataLinkResponses__Output>;
  Link(options?: grpc.CallOptions): grpc.ClientDuplexStream<_twophase_v1_MetadataLinkRequests, _twophase_v1_MetadataLinkResponses__Output>;
  /**
   * StageRevision and DeleteFile multiplexed over one long-lived stream, as
   * Coordinator.Link does for its methods: the same requests, answers and status codes
   * (trailing metadata in LinkError.metadata), tagged with call ids. The SDK uses it, and
   * falls back to the unary methods when a server answers UNIMPLEMENTED.
   */
  link(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_twophase_v1_MetadataLinkRequests, _twophase_v1_MetadataLinkResponses__Output>;
  link(options?: grpc.CallOptions): grpc.ClientDuplexStream<_twophase_v1_MetadataLinkRequests, _twophase_v1_MetadataLinkResponses__Output>;
  
  /**
   * One page of the same feed, now: the changes after `after_cursor` there are (at most
   * page_size, default 100), and none when the reader is up to date.
   */
  ListChanges(argument: _twophase_v1_ListChangesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListChangesResponse__Output>): grpc.ClientUnaryCall;
  ListChanges(argument: _twophase_v1_ListChangesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_ListChangesResponse__Output>): grpc.ClientUnaryCall;
  ListChanges(argument: _twophase_v1_ListChangesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListChangesResponse__Output>): grpc.ClientUnaryCall;
  ListChanges(argument: _twophase_v1_ListChangesRequest, callback: grpc.requestCallback<_twophase_v1_ListChangesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * One page of the same feed, now: the changes after `after_cursor` there are (at most
   * page_size, default 100), and none when the reader is up to date.
   */
  listChanges(argument: _twophase_v1_ListChangesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListChangesResponse__Output>): grpc.ClientUnaryCall;
  listChanges(argument: _twophase_v1_ListChangesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_ListChangesResponse__Output>): grpc.ClientUnaryCall;
  listChanges(argument: _twophase_v1_ListChangesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListChangesResponse__Output>): grpc.ClientUnaryCall;
  listChanges(argument: _twophase_v1_ListChangesRequest, callback: grpc.requestCallback<_twophase_v1_ListChangesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Committed, not deleted files of a namespace whose path starts with `prefix`, by path, paginated.
   */
  ListFiles(argument: _twophase_v1_ListFilesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListFilesResponse__Output>): grpc.ClientUnaryCall;
  ListFiles(argument: _twophase_v1_ListFilesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_ListFilesResponse__Output>): grpc.ClientUnaryCall;
  ListFiles(argument: _twophase_v1_ListFilesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListFilesResponse__Output>): grpc.ClientUnaryCall;
  ListFiles(argument: _twophase_v1_ListFilesRequest, callback: grpc.requestCallback<_twophase_v1_ListFilesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Committed, not deleted files of a namespace whose path starts with `prefix`, by path, paginated.
   */
  listFiles(argument: _twophase_v1_ListFilesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListFilesResponse__Output>): grpc.ClientUnaryCall;
  listFiles(argument: _twophase_v1_ListFilesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_ListFilesResponse__Output>): grpc.ClientUnaryCall;
  listFiles(argument: _twophase_v1_ListFilesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListFilesResponse__Output>): grpc.ClientUnaryCall;
  listFiles(argument: _twophase_v1_ListFilesRequest, callback: grpc.requestCallback<_twophase_v1_ListFilesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Every committed revision of a file, newest first, paginated.
   */
  ListRevisions(argument: _twophase_v1_ListRevisionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListRevisionsResponse__Output>): grpc.ClientUnaryCall;
  ListRevisions(argument: _twophase_v1_ListRevisionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_ListRevisionsResponse__Output>): grpc.ClientUnaryCall;
  ListRevisions(argument: _twophase_v1_ListRevisionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListRevisionsResponse__Output>): grpc.ClientUnaryCall;
  ListRevisions(argument: _twophase_v1_ListRevisionsRequest, callback: grpc.requestCallback<_twophase_v1_ListRevisionsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Every committed revision of a file, newest first, paginated.
   */
  listRevisions(argument: _twophase_v1_ListRevisionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListRevisionsResponse__Output>): grpc.ClientUnaryCall;
  listRevisions(argument: _twophase_v1_ListRevisionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_ListRevisionsResponse__Output>): grpc.ClientUnaryCall;
  listRevisions(argument: _twophase_v1_ListRevisionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListRevisionsResponse__Output>): grpc.ClientUnaryCall;
  listRevisions(argument: _twophase_v1_ListRevisionsRequest, callback: grpc.requestCallback<_twophase_v1_ListRevisionsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Adds a new revision of a file inside the tx. Locks the file's row until the tx ends:
   * concurrent writers of one path serialize. INVALID_ARGUMENT: bad namespace, path,
   * sha256 or tx id; FAILED_PRECONDITION: If-Match / If-None-Match does not hold
   * (a `precondition` detail names the current revision) or the tx is not active;
   * ABORTED: the row lock was not granted in time (a retryable conflict).
   */
  StageRevision(argument: _twophase_v1_StageRevisionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_StageRevisionResponse__Output>): grpc.ClientUnaryCall;
  StageRevision(argument: _twophase_v1_StageRevisionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_StageRevisionResponse__Output>): grpc.ClientUnaryCall;
  StageRevision(argument: _twophase_v1_StageRevisionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_StageRevisionResponse__Output>): grpc.ClientUnaryCall;
  StageRevision(argument: _twophase_v1_StageRevisionRequest, callback: grpc.requestCallback<_twophase_v1_StageRevisionResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Adds a new revision of a file inside the tx. Locks the file's row until the tx ends:
   * concurrent writers of one path serialize. INVALID_ARGUMENT: bad namespace, path,
   * sha256 or tx id; FAILED_PRECONDITION: If-Match / If-None-Match does not hold
   * (a `precondition` detail names the current revision) or the tx is not active;
   * ABORTED: the row lock was not granted in time (a retryable conflict).
   */
  stageRevision(argument: _twophase_v1_StageRevisionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_StageRevisionResponse__Output>): grpc.ClientUnaryCall;
  stageRevision(argument: _twophase_v1_StageRevisionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_StageRevisionResponse__Output>): grpc.ClientUnaryCall;
  stageRevision(argument: _twophase_v1_StageRevisionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_StageRevisionResponse__Output>): grpc.ClientUnaryCall;
  stageRevision(argument: _twophase_v1_StageRevisionRequest, callback: grpc.requestCallback<_twophase_v1_StageRevisionResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The change feed of a namespace: every committed revision (new content, or a delete's
   * tombstone) after `after_cursor`, in cursor order, then each new one as it is
   * sequenced, until the caller cancels or its deadline passes. Cursors are given after
   * commit, one sequencer at a time, so their order is the order changes became visible
   * and every reader agrees on it: a reader that resumes from the last cursor it handled
   * sees each change exactly once. Cursors are this shard's: a namespace lives on one.
   */
  WatchChanges(argument: _twophase_v1_WatchChangesRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_twophase_v1_Change__Output>;
  WatchChanges(argument: _twophase_v1_WatchChangesRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_twophase_v1_Change__Output>;
  /**
   * The change feed of a namespace: every committed revision (new content, or a delete's
   * tombstone) after `after_cursor`, in cursor order, then each new one as it is
   * sequenced, until the caller cancels or its deadline passes. Cursors are given after
   * commit, one sequencer at a time, so their order is the order changes became visible
   * and every reader agrees on it: a reader that resumes from the last cursor it handled
   * sees each change exactly once. Cursors are this shard's: a namespace lives on one.
   */
  watchChanges(argument: _twophase_v1_WatchChangesRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_twophase_v1_Change__Output>;
  watchChanges(argument: _twophase_v1_WatchChangesRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_twophase_v1_Change__Output>;
  
}

/**
 * Writes happen inside a tx and are held by the prepared PostgreSQL transaction until
 * the decision; reads see committed data only.
 */
export interface MetadataHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Adds a tombstone revision inside the tx. NOT_FOUND when the file does not exist or
   * is already deleted; the same conditions and codes as StageRevision otherwise.
   */
  DeleteFile: grpc.handleUnaryCall<_twophase_v1_DeleteFileRequest__Output, _twophase_v1_DeleteFileResponse>;
  
  /**
   * A committed file: its latest revision, or the one named. NOT_FOUND if absent or deleted.
   */
  GetFile: grpc.handleUnaryCall<_twophase_v1_GetFileRequest__Output, _twophase_v1_FileRevision>;
  
  /**
   * The revision a committed tx wrote (the first, if it wrote several), so that a caller
   * may be told the outcome of a tx only when it may read that file's namespace.
   * NOT_FOUND when the tx wrote no committed revision here: it aborted, is not decided
   * yet, wrote elsewhere, or never was.
   */
  GetTransactionRevision: grpc.handleUnaryCall<_twophase_v1_GetTransactionRevisionRequest__Output, _twophase_v1_FileRevision>;
  
  /**
   * StageRevision and DeleteFile multiplexed over one long-lived stream, as
   * Coordinator.Link does for its methods: the same requests, answers and status codes
   * (trailing metadata in LinkError.metadata), tagged with call ids. The SDK uses it, and
   * falls back to the unary methods when a server answers UNIMPLEMENTED.
   */
  Link: grpc.handleBidiStreamingCall<_twophase_v1_MetadataLinkRequests__Output, _twophase_v1_MetadataLinkResponses>;
  
  /**
   * One page of the same feed, now: the changes after `after_cursor` there are (at most
   * page_size, default 100), and none when the reader is up to date.
   */
  ListChanges: grpc.handleUnaryCall<_twophase_v1_ListChangesRequest__Output, _twophase_v1_ListChangesResponse>;
  
  /**
   * Committed, not deleted files of a namespace whose path starts with `prefix`, by path, paginated.
   */
  ListFiles: grpc.handleUnaryCall<_twophase_v1_ListFilesRequest__Output, _twophase_v1_ListFilesResponse>;
  
  /**
   * Every committed revision of a file, newest first, paginated.
   */
  ListRevisions: grpc.handleUnaryCall<_twophase_v1_ListRevisionsRequest__Output, _twophase_v1_ListRevisionsResponse>;
  
  /**
   * Adds a new revision of a file inside the tx. Locks the file's row until the tx ends:
   * concurrent writers of one path serialize. INVALID_ARGUMENT: bad namespace, path,
   * sha256 or tx id; FAILED_PRECONDITION: If-Match / If-None-Match does not hold
   * (a `precondition` detail names the current revision) or the tx is not active;
   * ABORTED: the row lock was not granted in time (a retryable conflict).
   */
  StageRevision: grpc.handleUnaryCall<_twophase_v1_StageRevisionRequest__Output, _twophase_v1_StageRevisionResponse>;
  
  /**
   * The change feed of a namespace: every committed revision (new content, or a delete's
   * tombstone) after `after_cursor`, in cursor order, then each new one as it is
   * sequenced, until the caller cancels or its deadline passes. Cursors are given after
   * commit, one sequencer at a time, so their order is the order changes became visible
   * and every reader agrees on it: a reader that resumes from the last cursor it handled
   * sees each change exactly once. Cursors are this shard's: a namespace lives on one.
   */
  WatchChanges: grpc.handleServerStreamingCall<_twophase_v1_WatchChangesRequest__Output, _twophase_v1_Change>;
  
}

export interface MetadataDefinition extends grpc.ServiceDefinition {
  DeleteFile: MethodDefinition<_twophase_v1_DeleteFileRequest, _twophase_v1_DeleteFileResponse, _twophase_v1_DeleteFileRequest__Output, _twophase_v1_DeleteFileResponse__Output>
  GetFile: MethodDefinition<_twophase_v1_GetFileRequest, _twophase_v1_FileRevision, _twophase_v1_GetFileRequest__Output, _twophase_v1_FileRevision__Output>
  GetTransactionRevision: MethodDefinition<_twophase_v1_GetTransactionRevisionRequest, _twophase_v1_FileRevision, _twophase_v1_GetTransactionRevisionRequest__Output, _twophase_v1_FileRevision__Output>
  Link: MethodDefinition<_twophase_v1_MetadataLinkRequests, _twophase_v1_MetadataLinkResponses, _twophase_v1_MetadataLinkRequests__Output, _twophase_v1_MetadataLinkResponses__Output>
  ListChanges: MethodDefinition<_twophase_v1_ListChangesRequest, _twophase_v1_ListChangesResponse, _twophase_v1_ListChangesRequest__Output, _twophase_v1_ListChangesResponse__Output>
  ListFiles: MethodDefinition<_twophase_v1_ListFilesRequest, _twophase_v1_ListFilesResponse, _twophase_v1_ListFilesRequest__Output, _twophase_v1_ListFilesResponse__Output>
  ListRevisions: MethodDefinition<_twophase_v1_ListRevisionsRequest, _twophase_v1_ListRevisionsResponse, _twophase_v1_ListRevisionsRequest__Output, _twophase_v1_ListRevisionsResponse__Output>
  StageRevision: MethodDefinition<_twophase_v1_StageRevisionRequest, _twophase_v1_StageRevisionResponse, _twophase_v1_StageRevisionRequest__Output, _twophase_v1_StageRevisionResponse__Output>
  WatchChanges: MethodDefinition<_twophase_v1_WatchChangesRequest, _twophase_v1_Change, _twophase_v1_WatchChangesRequest__Output, _twophase_v1_Change__Output>
}
