// Original file: proto/twophase/v1/blob.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AdoptUploadRequest as _twophase_v1_AdoptUploadRequest, AdoptUploadRequest__Output as _twophase_v1_AdoptUploadRequest__Output } from '../../twophase/v1/AdoptUploadRequest.js';
import type { AppendUploadRequest as _twophase_v1_AppendUploadRequest, AppendUploadRequest__Output as _twophase_v1_AppendUploadRequest__Output } from '../../twophase/v1/AppendUploadRequest.js';
import type { CreateUploadRequest as _twophase_v1_CreateUploadRequest, CreateUploadRequest__Output as _twophase_v1_CreateUploadRequest__Output } from '../../twophase/v1/CreateUploadRequest.js';
import type { DeleteUploadResponse as _twophase_v1_DeleteUploadResponse, DeleteUploadResponse__Output as _twophase_v1_DeleteUploadResponse__Output } from '../../twophase/v1/DeleteUploadResponse.js';
import type { PutResponse as _twophase_v1_PutResponse, PutResponse__Output as _twophase_v1_PutResponse__Output } from '../../twophase/v1/PutResponse.js';
import type { SettleUploadRequest as _twophase_v1_SettleUploadRequest, SettleUploadRequest__Output as _twophase_v1_SettleUploadRequest__Output } from '../../twophase/v1/SettleUploadRequest.js';
import type { UploadInfo as _twophase_v1_UploadInfo, UploadInfo__Output as _twophase_v1_UploadInfo__Output } from '../../twophase/v1/UploadInfo.js';
import type { UploadRef as _twophase_v1_UploadRef, UploadRef__Output as _twophase_v1_UploadRef__Output } from '../../twophase/v1/UploadRef.js';

/**
 * ---- Resumable uploads (the gateway's tus endpoint stands on them) ----
 * 
 * An upload session receives a file's bytes over many appends, before any tx exists,
 * and survives restarts of everyone: of the client, of the gateway, of the blob
 * participant (whose durable offset it resumes from). Once every byte is there, one tx
 * takes the bytes as an object of its blob branch (AdoptUpload) and commits the file's
 * revision with them; SettleUpload records how that tx ended. A session nobody touches
 * for a day is deleted with its bytes.
 * 
 * Errors: NOT_FOUND for an unknown (never created, deleted or expired) upload;
 * ABORTED, with `upload-offset` in the trailing metadata, for an append at another
 * offset than the upload's or while another append is being received;
 * INVALID_ARGUMENT for more bytes than the upload's length (none of that append kept);
 * DATA_LOSS for an append whose checksum does not match (none of it kept) or an upload
 * whose SHA-256 is not the one it was created with; RESOURCE_EXHAUSTED past the number
 * of open uploads or the object size limit.
 * 
 * They are served only by a participant that keeps upload sessions (the CLI's blob
 * participant does); another answers UNIMPLEMENTED.
 */
export interface BlobUploadsClient extends grpc.Client {
  /**
   * Records `tx_id` as the tx finishing the complete upload, then stages its bytes as an
   * object of that tx's blob branch (enlisting the participant, as Put does). Answers as
   * Put would. FAILED_PRECONDITION when another tx is finishing it (settle that one first)
   * or it is already committed; ABORTED when it is not complete.
   */
  AdoptUpload(argument: _twophase_v1_AdoptUploadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  AdoptUpload(argument: _twophase_v1_AdoptUploadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  AdoptUpload(argument: _twophase_v1_AdoptUploadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  AdoptUpload(argument: _twophase_v1_AdoptUploadRequest, callback: grpc.requestCallback<_twophase_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Records `tx_id` as the tx finishing the complete upload, then stages its bytes as an
   * object of that tx's blob branch (enlisting the participant, as Put does). Answers as
   * Put would. FAILED_PRECONDITION when another tx is finishing it (settle that one first)
   * or it is already committed; ABORTED when it is not complete.
   */
  adoptUpload(argument: _twophase_v1_AdoptUploadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  adoptUpload(argument: _twophase_v1_AdoptUploadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  adoptUpload(argument: _twophase_v1_AdoptUploadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  adoptUpload(argument: _twophase_v1_AdoptUploadRequest, callback: grpc.requestCallback<_twophase_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The first message carries `header`, every later one `chunk` (at most 1 MiB). The
   * bytes are durable when it answers; an append cut short keeps the bytes that arrived
   * (unless it carries a checksum, which only a whole append can pass).
   */
  AppendUpload(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientWritableStream<_twophase_v1_AppendUploadRequest>;
  AppendUpload(metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientWritableStream<_twophase_v1_AppendUploadRequest>;
  AppendUpload(options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientWritableStream<_twophase_v1_AppendUploadRequest>;
  AppendUpload(callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientWritableStream<_twophase_v1_AppendUploadRequest>;
  /**
   * The first message carries `header`, every later one `chunk` (at most 1 MiB). The
   * bytes are durable when it answers; an append cut short keeps the bytes that arrived
   * (unless it carries a checksum, which only a whole append can pass).
   */
  appendUpload(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientWritableStream<_twophase_v1_AppendUploadRequest>;
  appendUpload(metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientWritableStream<_twophase_v1_AppendUploadRequest>;
  appendUpload(options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientWritableStream<_twophase_v1_AppendUploadRequest>;
  appendUpload(callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientWritableStream<_twophase_v1_AppendUploadRequest>;
  
  CreateUpload(argument: _twophase_v1_CreateUploadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  CreateUpload(argument: _twophase_v1_CreateUploadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  CreateUpload(argument: _twophase_v1_CreateUploadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  CreateUpload(argument: _twophase_v1_CreateUploadRequest, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  createUpload(argument: _twophase_v1_CreateUploadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  createUpload(argument: _twophase_v1_CreateUploadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  createUpload(argument: _twophase_v1_CreateUploadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  createUpload(argument: _twophase_v1_CreateUploadRequest, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * Deletes the upload and its bytes (a file already committed from it keeps its own).
   */
  DeleteUpload(argument: _twophase_v1_UploadRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_DeleteUploadResponse__Output>): grpc.ClientUnaryCall;
  DeleteUpload(argument: _twophase_v1_UploadRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_DeleteUploadResponse__Output>): grpc.ClientUnaryCall;
  DeleteUpload(argument: _twophase_v1_UploadRef, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_DeleteUploadResponse__Output>): grpc.ClientUnaryCall;
  DeleteUpload(argument: _twophase_v1_UploadRef, callback: grpc.requestCallback<_twophase_v1_DeleteUploadResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Deletes the upload and its bytes (a file already committed from it keeps its own).
   */
  deleteUpload(argument: _twophase_v1_UploadRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_DeleteUploadResponse__Output>): grpc.ClientUnaryCall;
  deleteUpload(argument: _twophase_v1_UploadRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_DeleteUploadResponse__Output>): grpc.ClientUnaryCall;
  deleteUpload(argument: _twophase_v1_UploadRef, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_DeleteUploadResponse__Output>): grpc.ClientUnaryCall;
  deleteUpload(argument: _twophase_v1_UploadRef, callback: grpc.requestCallback<_twophase_v1_DeleteUploadResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The upload as it is. Waits a few seconds for an append in flight to end, so that the
   * offset answered is the one to resume from.
   */
  GetUpload(argument: _twophase_v1_UploadRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  GetUpload(argument: _twophase_v1_UploadRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  GetUpload(argument: _twophase_v1_UploadRef, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  GetUpload(argument: _twophase_v1_UploadRef, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  /**
   * The upload as it is. Waits a few seconds for an append in flight to end, so that the
   * offset answered is the one to resume from.
   */
  getUpload(argument: _twophase_v1_UploadRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  getUpload(argument: _twophase_v1_UploadRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  getUpload(argument: _twophase_v1_UploadRef, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  getUpload(argument: _twophase_v1_UploadRef, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * How the finishing tx ended: `revision` > 0, it committed that revision (the session's
   * bytes are then released); 0, it aborted, and the upload is complete again for another
   * tx. FAILED_PRECONDITION when `tx_id` is not the tx finishing it.
   */
  SettleUpload(argument: _twophase_v1_SettleUploadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  SettleUpload(argument: _twophase_v1_SettleUploadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  SettleUpload(argument: _twophase_v1_SettleUploadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  SettleUpload(argument: _twophase_v1_SettleUploadRequest, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  /**
   * How the finishing tx ended: `revision` > 0, it committed that revision (the session's
   * bytes are then released); 0, it aborted, and the upload is complete again for another
   * tx. FAILED_PRECONDITION when `tx_id` is not the tx finishing it.
   */
  settleUpload(argument: _twophase_v1_SettleUploadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  settleUpload(argument: _twophase_v1_SettleUploadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  settleUpload(argument: _twophase_v1_SettleUploadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  settleUpload(argument: _twophase_v1_SettleUploadRequest, callback: grpc.requestCallback<_twophase_v1_UploadInfo__Output>): grpc.ClientUnaryCall;
  
}

/**
 * ---- Resumable uploads (the gateway's tus endpoint stands on them) ----
 * 
 * An upload session receives a file's bytes over many appends, before any tx exists,
 * and survives restarts of everyone: of the client, of the gateway, of the blob
 * participant (whose durable offset it resumes from). Once every byte is there, one tx
 * takes the bytes as an object of its blob branch (AdoptUpload) and commits the file's
 * revision with them; SettleUpload records how that tx ended. A session nobody touches
 * for a day is deleted with its bytes.
 * 
 * Errors: NOT_FOUND for an unknown (never created, deleted or expired) upload;
 * ABORTED, with `upload-offset` in the trailing metadata, for an append at another
 * offset than the upload's or while another append is being received;
 * INVALID_ARGUMENT for more bytes than the upload's length (none of that append kept);
 * DATA_LOSS for an append whose checksum does not match (none of it kept) or an upload
 * whose SHA-256 is not the one it was created with; RESOURCE_EXHAUSTED past the number
 * of open uploads or the object size limit.
 * 
 * They are served only by a participant that keeps upload sessions (the CLI's blob
 * participant does); another answers UNIMPLEMENTED.
 */
export interface BlobUploadsHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Records `tx_id` as the tx finishing the complete upload, then stages its bytes as an
   * object of that tx's blob branch (enlisting the participant, as Put does). Answers as
   * Put would. FAILED_PRECONDITION when another tx is finishing it (settle that one first)
   * or it is already committed; ABORTED when it is not complete.
   */
  AdoptUpload: grpc.handleUnaryCall<_twophase_v1_AdoptUploadRequest__Output, _twophase_v1_PutResponse>;
  
  /**
   * The first message carries `header`, every later one `chunk` (at most 1 MiB). The
   * bytes are durable when it answers; an append cut short keeps the bytes that arrived
   * (unless it carries a checksum, which only a whole append can pass).
   */
  AppendUpload: grpc.handleClientStreamingCall<_twophase_v1_AppendUploadRequest__Output, _twophase_v1_UploadInfo>;
  
  CreateUpload: grpc.handleUnaryCall<_twophase_v1_CreateUploadRequest__Output, _twophase_v1_UploadInfo>;
  
  /**
   * Deletes the upload and its bytes (a file already committed from it keeps its own).
   */
  DeleteUpload: grpc.handleUnaryCall<_twophase_v1_UploadRef__Output, _twophase_v1_DeleteUploadResponse>;
  
  /**
   * The upload as it is. Waits a few seconds for an append in flight to end, so that the
   * offset answered is the one to resume from.
   */
  GetUpload: grpc.handleUnaryCall<_twophase_v1_UploadRef__Output, _twophase_v1_UploadInfo>;
  
  /**
   * How the finishing tx ended: `revision` > 0, it committed that revision (the session's
   * bytes are then released); 0, it aborted, and the upload is complete again for another
   * tx. FAILED_PRECONDITION when `tx_id` is not the tx finishing it.
   */
  SettleUpload: grpc.handleUnaryCall<_twophase_v1_SettleUploadRequest__Output, _twophase_v1_UploadInfo>;
  
}

export interface BlobUploadsDefinition extends grpc.ServiceDefinition {
  AdoptUpload: MethodDefinition<_twophase_v1_AdoptUploadRequest, _twophase_v1_PutResponse, _twophase_v1_AdoptUploadRequest__Output, _twophase_v1_PutResponse__Output>
  AppendUpload: MethodDefinition<_twophase_v1_AppendUploadRequest, _twophase_v1_UploadInfo, _twophase_v1_AppendUploadRequest__Output, _twophase_v1_UploadInfo__Output>
  CreateUpload: MethodDefinition<_twophase_v1_CreateUploadRequest, _twophase_v1_UploadInfo, _twophase_v1_CreateUploadRequest__Output, _twophase_v1_UploadInfo__Output>
  DeleteUpload: MethodDefinition<_twophase_v1_UploadRef, _twophase_v1_DeleteUploadResponse, _twophase_v1_UploadRef__Output, _twophase_v1_DeleteUploadResponse__Output>
  GetUpload: MethodDefinition<_twophase_v1_UploadRef, _twophase_v1_UploadInfo, _twophase_v1_UploadRef__Output, _twophase_v1_UploadInfo__Output>
  SettleUpload: MethodDefinition<_twophase_v1_SettleUploadRequest, _twophase_v1_UploadInfo, _twophase_v1_SettleUploadRequest__Output, _twophase_v1_UploadInfo__Output>
}
