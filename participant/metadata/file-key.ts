/** Which file a write is for: a validated namespace and a normalized path (see metadataInput). */
export interface FileKey {
  readonly namespace: string;
  readonly path: string;
}
