import * as grpc from '@grpc/grpc-js';
import type { TlsMaterial } from './tls-material.js';

/**
 * A server's credentials: plaintext without TLS material; with it, TLS that asks every
 * client for a certificate. A client without one, or with one another CA issued, still
 * completes the handshake, so that the authorization interceptor can answer it
 * UNAUTHENTICATED rather than drop the connection (which a client reads as UNAVAILABLE and
 * retries); no handler ever runs for it.
 */
export function serverCredentials(tls: TlsMaterial | undefined): grpc.ServerCredentials {
  return tls === undefined ? grpc.ServerCredentials.createInsecure() : new MutualTlsServerCredentials(tls);
}

/** A client's credentials: plaintext without TLS material; with it, TLS presenting its certificate and trusting only the CA given. */
export function channelCredentials(tls: TlsMaterial | undefined): grpc.ChannelCredentials {
  return tls === undefined ? grpc.credentials.createInsecure() : grpc.credentials.createSsl(tls.ca, tls.key, tls.cert);
}

class MutualTlsServerCredentials extends grpc.ServerCredentials {
  constructor(tls: TlsMaterial) {
    super({ requestCert: true, rejectUnauthorized: false }, { ca: tls.ca, cert: tls.cert, key: tls.key });
  }

  _equals(other: grpc.ServerCredentials): boolean {
    return this === other;
  }
}
