// Original file: proto/twophase/v1/blob.proto

import type { AppendUploadHeader as _twophase_v1_AppendUploadHeader, AppendUploadHeader__Output as _twophase_v1_AppendUploadHeader__Output } from '../../twophase/v1/AppendUploadHeader.js';

export interface AppendUploadRequest {
  'header'?: (_twophase_v1_AppendUploadHeader | null);
  'chunk'?: (Buffer | Uint8Array | string);
  'part'?: "header"|"chunk";
}

export interface AppendUploadRequest__Output {
  'header'?: (_twophase_v1_AppendUploadHeader__Output | null);
  'chunk'?: (Buffer);
  'part'?: "header"|"chunk";
}
