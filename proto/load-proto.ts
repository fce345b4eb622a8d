import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as CoordinatorProto } from './gen/coordinator.js';
import type { ProtoGrpcType as ParticipantProto } from './gen/participant.js';
import type { ProtoGrpcType as BlobProto } from './gen/blob.js';
import type { ProtoGrpcType as MetadataProto } from './gen/metadata.js';
import type { ProtoGrpcType as AdminProto } from './gen/admin.js';

type V1<T extends { twophase: { v1: object } }> = T['twophase']['v1'];

/** Every service and message of package twophase.v1. */
export interface TwophaseProto {
  readonly twophase: { readonly v1: V1<CoordinatorProto> & V1<ParticipantProto> & V1<BlobProto> & V1<MetadataProto> & V1<AdminProto> };
}

/** The .proto files ship beside this module in the source tree, two levels up from dist/proto, three from the bundle (dist/bundle/cli). */
export function protoRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [here, join(here, '..', '..', 'proto'), join(here, '..', '..', '..', 'proto')]) {
    if (existsSync(join(candidate, 'twophase', 'v1', 'coordinator.proto'))) return candidate;
  }
  throw new Error(`twophase .proto files not found near ${here}`);
}

/** Every proto file of package twophase.v1, loaded with the options the generated types assume. */
export const protoFiles = ['twophase/v1/coordinator.proto', 'twophase/v1/participant.proto', 'twophase/v1/blob.proto', 'twophase/v1/metadata.proto', 'twophase/v1/admin.proto'];

let cached: TwophaseProto | undefined;

export function loadProto(): TwophaseProto {
  if (cached !== undefined) return cached;
  const definition = protoLoader.loadSync(protoFiles, {
    includeDirs: [protoRoot()],
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  cached = grpc.loadPackageDefinition(definition) as unknown as TwophaseProto;
  return cached;
}
