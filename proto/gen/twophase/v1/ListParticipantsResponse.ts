// Original file: proto/twophase/v1/coordinator.proto

import type { ParticipantInfo as _twophase_v1_ParticipantInfo, ParticipantInfo__Output as _twophase_v1_ParticipantInfo__Output } from '../../twophase/v1/ParticipantInfo.js';

export interface ListParticipantsResponse {
  /**
   * Every participant the coordinator was configured with.
   */
  'participants'?: (_twophase_v1_ParticipantInfo)[];
  /**
   * The metadata participants that share the namespaces (--metadata-shards), in order: a
   * namespace belongs to the shard at index shardOf(namespace) (lib/shard-map). Empty when
   * the coordinator was given none: one metadata participant, id `metadata`.
   */
  'metadataShards'?: (string)[];
}

export interface ListParticipantsResponse__Output {
  /**
   * Every participant the coordinator was configured with.
   */
  'participants': (_twophase_v1_ParticipantInfo__Output)[];
  /**
   * The metadata participants that share the namespaces (--metadata-shards), in order: a
   * namespace belongs to the shard at index shardOf(namespace) (lib/shard-map). Empty when
   * the coordinator was given none: one metadata participant, id `metadata`.
   */
  'metadataShards': (string)[];
}
