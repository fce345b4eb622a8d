import { ConfigError } from '../config/config-error.js';
import { AccessPolicy } from './access-policy.js';
import { loadTlsMaterial, type TlsFiles, type TlsMaterial } from './tls-material.js';

/** A process's TLS material, and for a server, who may call what. */
export interface TransportSecurity {
  readonly tls: TlsMaterial;
  /** A gRPC server's access policy; client-only processes (the gateway's client, the CLI) have none. */
  readonly policy?: AccessPolicy;
}

/**
 * The TLS settings of a process, checked: undefined for plaintext (no `--tls-*`). A gRPC
 * server (`server: true`) with TLS needs `--access-policy`: mutual TLS names each caller,
 * and the policy says what each may do; a policy without TLS has no identities to go by.
 */
export async function loadTransportSecurity(settings: TlsFiles & { readonly accessPolicy?: string | undefined }, role: { readonly server: boolean }): Promise<TransportSecurity | undefined> {
  const tls = await loadTlsMaterial(settings);
  const policyFile = settings.accessPolicy === '' ? undefined : settings.accessPolicy;
  if (tls === undefined) {
    if (policyFile !== undefined) throw new ConfigError('--access-policy (TWOPHASE_ACCESS_POLICY) is given without TLS: identities come from client certificates; add --tls-cert, --tls-key and --tls-ca', 'accessPolicy');
    return undefined;
  }
  if (!role.server) return { tls };
  if (policyFile === undefined) {
    throw new ConfigError('with TLS, a server needs --access-policy (TWOPHASE_ACCESS_POLICY): the JSON file saying which certificate identities are the coordinator, the participants, the clients and the admins', 'accessPolicy');
  }
  return { tls, policy: await AccessPolicy.load(policyFile) };
}
