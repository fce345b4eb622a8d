import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AbortRequest as _twophase_v1_AbortRequest, AbortRequest__Output as _twophase_v1_AbortRequest__Output } from './twophase/v1/AbortRequest.js';
import type { AbortResponse as _twophase_v1_AbortResponse, AbortResponse__Output as _twophase_v1_AbortResponse__Output } from './twophase/v1/AbortResponse.js';
import type { BeginRequest as _twophase_v1_BeginRequest, BeginRequest__Output as _twophase_v1_BeginRequest__Output } from './twophase/v1/BeginRequest.js';
import type { BeginResponse as _twophase_v1_BeginResponse, BeginResponse__Output as _twophase_v1_BeginResponse__Output } from './twophase/v1/BeginResponse.js';
import type { CommitRequest as _twophase_v1_CommitRequest, CommitRequest__Output as _twophase_v1_CommitRequest__Output } from './twophase/v1/CommitRequest.js';
import type { CommitResponse as _twophase_v1_CommitResponse, CommitResponse__Output as _twophase_v1_CommitResponse__Output } from './twophase/v1/CommitResponse.js';
import type { CoordinatorClient as _twophase_v1_CoordinatorClient, CoordinatorDefinition as _twophase_v1_CoordinatorDefinition } from './twophase/v1/Coordinator.js';
import type { CoordinatorLinkRequest as _twophase_v1_CoordinatorLinkRequest, CoordinatorLinkRequest__Output as _twophase_v1_CoordinatorLinkRequest__Output } from './twophase/v1/CoordinatorLinkRequest.js';
import type { CoordinatorLinkRequests as _twophase_v1_CoordinatorLinkRequests, CoordinatorLinkRequests__Output as _twophase_v1_CoordinatorLinkRequests__Output } from './twophase/v1/CoordinatorLinkRequests.js';
import type { CoordinatorLinkResponse as _twophase_v1_CoordinatorLinkResponse, CoordinatorLinkResponse__Output as _twophase_v1_CoordinatorLinkResponse__Output } from './twophase/v1/CoordinatorLinkResponse.js';
import type { CoordinatorLinkResponses as _twophase_v1_CoordinatorLinkResponses, CoordinatorLinkResponses__Output as _twophase_v1_CoordinatorLinkResponses__Output } from './twophase/v1/CoordinatorLinkResponses.js';
import type { EnlistRequest as _twophase_v1_EnlistRequest, EnlistRequest__Output as _twophase_v1_EnlistRequest__Output } from './twophase/v1/EnlistRequest.js';
import type { EnlistResponse as _twophase_v1_EnlistResponse, EnlistResponse__Output as _twophase_v1_EnlistResponse__Output } from './twophase/v1/EnlistResponse.js';
import type { GetOutcomeRequest as _twophase_v1_GetOutcomeRequest, GetOutcomeRequest__Output as _twophase_v1_GetOutcomeRequest__Output } from './twophase/v1/GetOutcomeRequest.js';
import type { GetOutcomeResponse as _twophase_v1_GetOutcomeResponse, GetOutcomeResponse__Output as _twophase_v1_GetOutcomeResponse__Output } from './twophase/v1/GetOutcomeResponse.js';
import type { LinkError as _twophase_v1_LinkError, LinkError__Output as _twophase_v1_LinkError__Output } from './twophase/v1/LinkError.js';
import type { ListParticipantsRequest as _twophase_v1_ListParticipantsRequest, ListParticipantsRequest__Output as _twophase_v1_ListParticipantsRequest__Output } from './twophase/v1/ListParticipantsRequest.js';
import type { ListParticipantsResponse as _twophase_v1_ListParticipantsResponse, ListParticipantsResponse__Output as _twophase_v1_ListParticipantsResponse__Output } from './twophase/v1/ListParticipantsResponse.js';
import type { ParticipantInfo as _twophase_v1_ParticipantInfo, ParticipantInfo__Output as _twophase_v1_ParticipantInfo__Output } from './twophase/v1/ParticipantInfo.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  twophase: {
    v1: {
      AbortCause: EnumTypeDefinition
      AbortRequest: MessageTypeDefinition<_twophase_v1_AbortRequest, _twophase_v1_AbortRequest__Output>
      AbortResponse: MessageTypeDefinition<_twophase_v1_AbortResponse, _twophase_v1_AbortResponse__Output>
      BeginRequest: MessageTypeDefinition<_twophase_v1_BeginRequest, _twophase_v1_BeginRequest__Output>
      BeginResponse: MessageTypeDefinition<_twophase_v1_BeginResponse, _twophase_v1_BeginResponse__Output>
      CommitRequest: MessageTypeDefinition<_twophase_v1_CommitRequest, _twophase_v1_CommitRequest__Output>
      CommitResponse: MessageTypeDefinition<_twophase_v1_CommitResponse, _twophase_v1_CommitResponse__Output>
      /**
       * Clients begin and end transactions here; participants enlist here and ask
       * for outcomes after a restart.
       */
      Coordinator: SubtypeConstructor<typeof grpc.Client, _twophase_v1_CoordinatorClient> & { service: _twophase_v1_CoordinatorDefinition }
      CoordinatorLinkRequest: MessageTypeDefinition<_twophase_v1_CoordinatorLinkRequest, _twophase_v1_CoordinatorLinkRequest__Output>
      CoordinatorLinkRequests: MessageTypeDefinition<_twophase_v1_CoordinatorLinkRequests, _twophase_v1_CoordinatorLinkRequests__Output>
      CoordinatorLinkResponse: MessageTypeDefinition<_twophase_v1_CoordinatorLinkResponse, _twophase_v1_CoordinatorLinkResponse__Output>
      CoordinatorLinkResponses: MessageTypeDefinition<_twophase_v1_CoordinatorLinkResponses, _twophase_v1_CoordinatorLinkResponses__Output>
      Decision: EnumTypeDefinition
      EnlistRequest: MessageTypeDefinition<_twophase_v1_EnlistRequest, _twophase_v1_EnlistRequest__Output>
      EnlistResponse: MessageTypeDefinition<_twophase_v1_EnlistResponse, _twophase_v1_EnlistResponse__Output>
      GetOutcomeRequest: MessageTypeDefinition<_twophase_v1_GetOutcomeRequest, _twophase_v1_GetOutcomeRequest__Output>
      GetOutcomeResponse: MessageTypeDefinition<_twophase_v1_GetOutcomeResponse, _twophase_v1_GetOutcomeResponse__Output>
      LinkError: MessageTypeDefinition<_twophase_v1_LinkError, _twophase_v1_LinkError__Output>
      ListParticipantsRequest: MessageTypeDefinition<_twophase_v1_ListParticipantsRequest, _twophase_v1_ListParticipantsRequest__Output>
      ListParticipantsResponse: MessageTypeDefinition<_twophase_v1_ListParticipantsResponse, _twophase_v1_ListParticipantsResponse__Output>
      Outcome: EnumTypeDefinition
      ParticipantInfo: MessageTypeDefinition<_twophase_v1_ParticipantInfo, _twophase_v1_ParticipantInfo__Output>
      Vote: EnumTypeDefinition
    }
  }
}

