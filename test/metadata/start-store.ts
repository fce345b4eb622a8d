import { onTestFinished } from 'vitest';
import { silentLogger } from '../../lib/logger/logger.js';
import type { PostgresMetadataStoreOptions } from '../../participant/metadata/postgres-metadata-store-options.js';
import { PostgresMetadataStore } from '../../participant/metadata/postgres-metadata-store.js';

/** A started and recovered store on `databaseUrl`, closed when the test ends. */
export async function startStore(databaseUrl: string, options: Partial<PostgresMetadataStoreOptions> = {}): Promise<PostgresMetadataStore> {
  const store = new PostgresMetadataStore({ databaseUrl, logger: silentLogger(), ...options });
  onTestFinished(() => store.close());
  await store.start();
  await store.recover();
  return store;
}
