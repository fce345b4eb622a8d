import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { CommitOnePhaseRequest as _twophase_v1_CommitOnePhaseRequest, CommitOnePhaseRequest__Output as _twophase_v1_CommitOnePhaseRequest__Output } from './twophase/v1/CommitOnePhaseRequest.js';
import type { CommitOnePhaseResponse as _twophase_v1_CommitOnePhaseResponse, CommitOnePhaseResponse__Output as _twophase_v1_CommitOnePhaseResponse__Output } from './twophase/v1/CommitOnePhaseResponse.js';
import type { InDoubtBranch as _twophase_v1_InDoubtBranch, InDoubtBranch__Output as _twophase_v1_InDoubtBranch__Output } from './twophase/v1/InDoubtBranch.js';
import type { LinkError as _twophase_v1_LinkError, LinkError__Output as _twophase_v1_LinkError__Output } from './twophase/v1/LinkError.js';
import type { ListInDoubtRequest as _twophase_v1_ListInDoubtRequest, ListInDoubtRequest__Output as _twophase_v1_ListInDoubtRequest__Output } from './twophase/v1/ListInDoubtRequest.js';
import type { ListInDoubtResponse as _twophase_v1_ListInDoubtResponse, ListInDoubtResponse__Output as _twophase_v1_ListInDoubtResponse__Output } from './twophase/v1/ListInDoubtResponse.js';
import type { ParticipantClient as _twophase_v1_ParticipantClient, ParticipantDefinition as _twophase_v1_ParticipantDefinition } from './twophase/v1/Participant.js';
import type { ParticipantAbortRequest as _twophase_v1_ParticipantAbortRequest, ParticipantAbortRequest__Output as _twophase_v1_ParticipantAbortRequest__Output } from './twophase/v1/ParticipantAbortRequest.js';
import type { ParticipantAbortResponse as _twophase_v1_ParticipantAbortResponse, ParticipantAbortResponse__Output as _twophase_v1_ParticipantAbortResponse__Output } from './twophase/v1/ParticipantAbortResponse.js';
import type { ParticipantCommitRequest as _twophase_v1_ParticipantCommitRequest, ParticipantCommitRequest__Output as _twophase_v1_ParticipantCommitRequest__Output } from './twophase/v1/ParticipantCommitRequest.js';
import type { ParticipantCommitResponse as _twophase_v1_ParticipantCommitResponse, ParticipantCommitResponse__Output as _twophase_v1_ParticipantCommitResponse__Output } from './twophase/v1/ParticipantCommitResponse.js';
import type { ParticipantLinkRequest as _twophase_v1_ParticipantLinkRequest, ParticipantLinkRequest__Output as _twophase_v1_ParticipantLinkRequest__Output } from './twophase/v1/ParticipantLinkRequest.js';
import type { ParticipantLinkRequests as _twophase_v1_ParticipantLinkRequests, ParticipantLinkRequests__Output as _twophase_v1_ParticipantLinkRequests__Output } from './twophase/v1/ParticipantLinkRequests.js';
import type { ParticipantLinkResponse as _twophase_v1_ParticipantLinkResponse, ParticipantLinkResponse__Output as _twophase_v1_ParticipantLinkResponse__Output } from './twophase/v1/ParticipantLinkResponse.js';
import type { ParticipantLinkResponses as _twophase_v1_ParticipantLinkResponses, ParticipantLinkResponses__Output as _twophase_v1_ParticipantLinkResponses__Output } from './twophase/v1/ParticipantLinkResponses.js';
import type { PrepareRequest as _twophase_v1_PrepareRequest, PrepareRequest__Output as _twophase_v1_PrepareRequest__Output } from './twophase/v1/PrepareRequest.js';
import type { PrepareResponse as _twophase_v1_PrepareResponse, PrepareResponse__Output as _twophase_v1_PrepareResponse__Output } from './twophase/v1/PrepareResponse.js';
import type { ResolveOutcomeRequest as _twophase_v1_ResolveOutcomeRequest, ResolveOutcomeRequest__Output as _twophase_v1_ResolveOutcomeRequest__Output } from './twophase/v1/ResolveOutcomeRequest.js';
import type { ResolveOutcomeResponse as _twophase_v1_ResolveOutcomeResponse, ResolveOutcomeResponse__Output as _twophase_v1_ResolveOutcomeResponse__Output } from './twophase/v1/ResolveOutcomeResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  twophase: {
    v1: {
      AbortCause: EnumTypeDefinition
      CommitOnePhaseRequest: MessageTypeDefinition<_twophase_v1_CommitOnePhaseRequest, _twophase_v1_CommitOnePhaseRequest__Output>
      CommitOnePhaseResponse: MessageTypeDefinition<_twophase_v1_CommitOnePhaseResponse, _twophase_v1_CommitOnePhaseResponse__Output>
      Decision: EnumTypeDefinition
      InDoubtBranch: MessageTypeDefinition<_twophase_v1_InDoubtBranch, _twophase_v1_InDoubtBranch__Output>
      LastResourceOutcome: EnumTypeDefinition
      LinkError: MessageTypeDefinition<_twophase_v1_LinkError, _twophase_v1_LinkError__Output>
      ListInDoubtRequest: MessageTypeDefinition<_twophase_v1_ListInDoubtRequest, _twophase_v1_ListInDoubtRequest__Output>
      ListInDoubtResponse: MessageTypeDefinition<_twophase_v1_ListInDoubtResponse, _twophase_v1_ListInDoubtResponse__Output>
      Outcome: EnumTypeDefinition
      /**
       * Served by every participant; called by the coordinator (and by operators).
       */
      Participant: SubtypeConstructor<typeof grpc.Client, _twophase_v1_ParticipantClient> & { service: _twophase_v1_ParticipantDefinition }
      ParticipantAbortRequest: MessageTypeDefinition<_twophase_v1_ParticipantAbortRequest, _twophase_v1_ParticipantAbortRequest__Output>
      ParticipantAbortResponse: MessageTypeDefinition<_twophase_v1_ParticipantAbortResponse, _twophase_v1_ParticipantAbortResponse__Output>
      ParticipantCommitRequest: MessageTypeDefinition<_twophase_v1_ParticipantCommitRequest, _twophase_v1_ParticipantCommitRequest__Output>
      ParticipantCommitResponse: MessageTypeDefinition<_twophase_v1_ParticipantCommitResponse, _twophase_v1_ParticipantCommitResponse__Output>
      ParticipantLinkRequest: MessageTypeDefinition<_twophase_v1_ParticipantLinkRequest, _twophase_v1_ParticipantLinkRequest__Output>
      ParticipantLinkRequests: MessageTypeDefinition<_twophase_v1_ParticipantLinkRequests, _twophase_v1_ParticipantLinkRequests__Output>
      ParticipantLinkResponse: MessageTypeDefinition<_twophase_v1_ParticipantLinkResponse, _twophase_v1_ParticipantLinkResponse__Output>
      ParticipantLinkResponses: MessageTypeDefinition<_twophase_v1_ParticipantLinkResponses, _twophase_v1_ParticipantLinkResponses__Output>
      PrepareRequest: MessageTypeDefinition<_twophase_v1_PrepareRequest, _twophase_v1_PrepareRequest__Output>
      PrepareResponse: MessageTypeDefinition<_twophase_v1_PrepareResponse, _twophase_v1_PrepareResponse__Output>
      ResolveOutcomeRequest: MessageTypeDefinition<_twophase_v1_ResolveOutcomeRequest, _twophase_v1_ResolveOutcomeRequest__Output>
      ResolveOutcomeResponse: MessageTypeDefinition<_twophase_v1_ResolveOutcomeResponse, _twophase_v1_ResolveOutcomeResponse__Output>
      Vote: EnumTypeDefinition
    }
  }
}

