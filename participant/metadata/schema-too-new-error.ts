/** The database holds a schema newer than this code knows: running on it could corrupt it. */
export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
  constructor(
    readonly databaseVersion: number,
    readonly codeVersion: number,
  ) {
    super(`the metadata schema is at version ${databaseVersion}, newer than this program knows (${codeVersion}); run a newer twophase`);
  }
}
