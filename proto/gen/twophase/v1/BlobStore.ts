// Original file: proto/twophase/v1/blob.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { BlobLinkRequests as _twophase_v1_BlobLinkRequests, BlobLinkRequests__Output as _twophase_v1_BlobLinkRequests__Output } from '../../twophase/v1/BlobLinkRequests.js';
import type { BlobLinkResponses as _twophase_v1_BlobLinkResponses, BlobLinkResponses__Output as _twophase_v1_BlobLinkResponses__Output } from '../../twophase/v1/BlobLinkResponses.js';
import type { GetRequest as _twophase_v1_GetRequest, GetRequest__Output as _twophase_v1_GetRequest__Output } from '../../twophase/v1/GetRequest.js';
import type { GetResponse as _twophase_v1_GetResponse, GetResponse__Output as _twophase_v1_GetResponse__Output } from '../../twophase/v1/GetResponse.js';
import type { PutRequest as _twophase_v1_PutRequest, PutRequest__Output as _twophase_v1_PutRequest__Output } from '../../twophase/v1/PutRequest.js';
import type { PutResponse as _twophase_v1_PutResponse, PutResponse__Output as _twophase_v1_PutResponse__Output } from '../../twophase/v1/PutResponse.js';
import type { StatRequest as _twophase_v1_StatRequest, StatRequest__Output as _twophase_v1_StatRequest__Output } from '../../twophase/v1/StatRequest.js';
import type { StatResponse as _twophase_v1_StatResponse, StatResponse__Output as _twophase_v1_StatResponse__Output } from '../../twophase/v1/StatResponse.js';

/**
 * Uploads stage bytes under a tx; reads see only committed (published) objects.
 */
export interface BlobStoreClient extends grpc.Client {
  /**
   * Streams a published object, whole or a byte range. NOT_FOUND for an unknown object;
   * OUT_OF_RANGE for a range past its end.
   */
  Get(argument: _twophase_v1_GetRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_twophase_v1_GetResponse__Output>;
  Get(argument: _twophase_v1_GetRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_twophase_v1_GetResponse__Output>;
  /**
   * Streams a published object, whole or a byte range. NOT_FOUND for an unknown object;
   * OUT_OF_RANGE for a range past its end.
   */
  get(argument: _twophase_v1_GetRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_twophase_v1_GetResponse__Output>;
  get(argument: _twophase_v1_GetRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_twophase_v1_GetResponse__Output>;
  
  /**
   * Small objects put whole, multiplexed over one long-lived stream (see Coordinator.Link):
   * each `put` call carries the header and all the bytes (at most 256 KiB) and is
   * answered, and fails, as Put would. The SDK uses it for small uploads in memory, and
   * falls back to Put when a server answers UNIMPLEMENTED.
   */
  Link(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_twophase_v1_BlobLinkRequests, _twophase_v1_BlobLinkResponses__Output>;
  Link(options?: grpc.CallOptions): grpc.ClientDuplexStream<_twophase_v1_BlobLinkRequests, _twophase_v1_BlobLinkResponses__Output>;
  /**
   * Small objects put whole, multiplexed over one long-lived stream (see Coordinator.Link):
   * each `put` call carries the header and all the bytes (at most 256 KiB) and is
   * answered, and fails, as Put would. The SDK uses it for small uploads in memory, and
   * falls back to Put when a server answers UNIMPLEMENTED.
   */
  link(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_twophase_v1_BlobLinkRequests, _twophase_v1_BlobLinkResponses__Output>;
  link(options?: grpc.CallOptions): grpc.ClientDuplexStream<_twophase_v1_BlobLinkRequests, _twophase_v1_BlobLinkResponses__Output>;
  
  /**
   * Streams one object's bytes into the tx's staging area. The first message carries
   * `header`, every message after it `chunk`. Enlists the blob participant in the tx on
   * its first operation. Answers the SHA-256 and size of what was received.
   * INVALID_ARGUMENT: bad tx id, missing header, a chunk over the limit;
   * FAILED_PRECONDITION: the tx is not active (nothing is kept);
   * DATA_LOSS: the bytes do not match `expected_sha256` / `expected_size` (nothing is kept,
   * and the branch votes no); RESOURCE_EXHAUSTED: past the object size limit.
   */
  Put(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_PutResponse__Output>): grpc.ClientWritableStream<_twophase_v1_PutRequest>;
  Put(metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_PutResponse__Output>): grpc.ClientWritableStream<_twophase_v1_PutRequest>;
  Put(options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_PutResponse__Output>): grpc.ClientWritableStream<_twophase_v1_PutRequest>;
  Put(callback: grpc.requestCallback<_twophase_v1_PutResponse__Output>): grpc.ClientWritableStream<_twophase_v1_PutRequest>;
  /**
   * Streams one object's bytes into the tx's staging area. The first message carries
   * `header`, every message after it `chunk`. Enlists the blob participant in the tx on
   * its first operation. Answers the SHA-256 and size of what was received.
   * INVALID_ARGUMENT: bad tx id, missing header, a chunk over the limit;
   * FAILED_PRECONDITION: the tx is not active (nothing is kept);
   * DATA_LOSS: the bytes do not match `expected_sha256` / `expected_size` (nothing is kept,
   * and the branch votes no); RESOURCE_EXHAUSTED: past the object size limit.
   */
  put(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_PutResponse__Output>): grpc.ClientWritableStream<_twophase_v1_PutRequest>;
  put(metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_PutResponse__Output>): grpc.ClientWritableStream<_twophase_v1_PutRequest>;
  put(options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_PutResponse__Output>): grpc.ClientWritableStream<_twophase_v1_PutRequest>;
  put(callback: grpc.requestCallback<_twophase_v1_PutResponse__Output>): grpc.ClientWritableStream<_twophase_v1_PutRequest>;
  
  /**
   * Size of a published object, without its bytes. NOT_FOUND if absent.
   */
  Stat(argument: _twophase_v1_StatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_StatResponse__Output>): grpc.ClientUnaryCall;
  Stat(argument: _twophase_v1_StatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_StatResponse__Output>): grpc.ClientUnaryCall;
  Stat(argument: _twophase_v1_StatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_StatResponse__Output>): grpc.ClientUnaryCall;
  Stat(argument: _twophase_v1_StatRequest, callback: grpc.requestCallback<_twophase_v1_StatResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Size of a published object, without its bytes. NOT_FOUND if absent.
   */
  stat(argument: _twophase_v1_StatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_StatResponse__Output>): grpc.ClientUnaryCall;
  stat(argument: _twophase_v1_StatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_StatResponse__Output>): grpc.ClientUnaryCall;
  stat(argument: _twophase_v1_StatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_StatResponse__Output>): grpc.ClientUnaryCall;
  stat(argument: _twophase_v1_StatRequest, callback: grpc.requestCallback<_twophase_v1_StatResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Uploads stage bytes under a tx; reads see only committed (published) objects.
 */
export interface BlobStoreHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Streams a published object, whole or a byte range. NOT_FOUND for an unknown object;
   * OUT_OF_RANGE for a range past its end.
   */
  Get: grpc.handleServerStreamingCall<_twophase_v1_GetRequest__Output, _twophase_v1_GetResponse>;
  
  /**
   * Small objects put whole, multiplexed over one long-lived stream (see Coordinator.Link):
   * each `put` call carries the header and all the bytes (at most 256 KiB) and is
   * answered, and fails, as Put would. The SDK uses it for small uploads in memory, and
   * falls back to Put when a server answers UNIMPLEMENTED.
   */
  Link: grpc.handleBidiStreamingCall<_twophase_v1_BlobLinkRequests__Output, _twophase_v1_BlobLinkResponses>;
  
  /**
   * Streams one object's bytes into the tx's staging area. The first message carries
   * `header`, every message after it `chunk`. Enlists the blob participant in the tx on
   * its first operation. Answers the SHA-256 and size of what was received.
   * INVALID_ARGUMENT: bad tx id, missing header, a chunk over the limit;
   * FAILED_PRECONDITION: the tx is not active (nothing is kept);
   * DATA_LOSS: the bytes do not match `expected_sha256` / `expected_size` (nothing is kept,
   * and the branch votes no); RESOURCE_EXHAUSTED: past the object size limit.
   */
  Put: grpc.handleClientStreamingCall<_twophase_v1_PutRequest__Output, _twophase_v1_PutResponse>;
  
  /**
   * Size of a published object, without its bytes. NOT_FOUND if absent.
   */
  Stat: grpc.handleUnaryCall<_twophase_v1_StatRequest__Output, _twophase_v1_StatResponse>;
  
}

export interface BlobStoreDefinition extends grpc.ServiceDefinition {
  Get: MethodDefinition<_twophase_v1_GetRequest, _twophase_v1_GetResponse, _twophase_v1_GetRequest__Output, _twophase_v1_GetResponse__Output>
  Link: MethodDefinition<_twophase_v1_BlobLinkRequests, _twophase_v1_BlobLinkResponses, _twophase_v1_BlobLinkRequests__Output, _twophase_v1_BlobLinkResponses__Output>
  Put: MethodDefinition<_twophase_v1_PutRequest, _twophase_v1_PutResponse, _twophase_v1_PutRequest__Output, _twophase_v1_PutResponse__Output>
  Stat: MethodDefinition<_twophase_v1_StatRequest, _twophase_v1_StatResponse, _twophase_v1_StatRequest__Output, _twophase_v1_StatResponse__Output>
}
