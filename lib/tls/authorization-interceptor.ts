import * as grpc from '@grpc/grpc-js';
import type { PeerCertificate } from 'node:tls';
import type { Logger } from '../logger/logger.js';
import { limits } from '../limits/limits.js';
import type { AccessPolicy, Caller, Role } from './access-policy.js';
import { anyCaller, linkCallRoles, methodRoles } from './method-access.js';
import { subjectAltNames } from './tls-material.js';
import { refusedLinkCall, type LinkRequestMessage, type LinkRequestsMessage } from '../grpc-link/link-server.js';

/**
 * Authorizes every call a server receives over mutual TLS, before its handler sees it:
 * without a certificate the CA issued, UNAUTHENTICATED; a method the caller's roles do not
 * include (method-access.ts), PERMISSION_DENIED. An Enlist, unary or on a Link, must name
 * a participant id the caller's certificate holds; a Link message carrying a call the
 * caller may not make is answered PERMISSION_DENIED, and the stream goes on. Each refusal is logged with
 * the method, the peer's address and identities, never the call's metadata or body.
 */
export function authorizationInterceptor(policy: AccessPolicy, logger: Logger): grpc.ServerInterceptor {
  const callers = new Map<string, Caller>();
  const callerOf = (cert: PeerCertificate): Caller => {
    const known = callers.get(cert.fingerprint256);
    if (known !== undefined) return known;
    const caller = policy.callerOf(subjectAltNames(cert.subjectaltname));
    if (callers.size >= limits.tlsCallersCachedMax) callers.clear();
    callers.set(cert.fingerprint256, caller);
    return caller;
  };
  return (method, call) => {
    const path = method.path;
    let caller: Caller | undefined;
    const logRefusal = (details: string, code = grpc.status.PERMISSION_DENIED): void => {
      logger.warn({ method: path, peer: call.getPeer(), identities: caller?.identities ?? [], code: grpc.status[code], details }, 'call refused');
    };
    const refuse = (code: grpc.status, details: string): void => {
      logRefusal(details, code);
      call.sendStatus({ code, details, metadata: new grpc.Metadata() });
    };
    return new grpc.ServerInterceptingCall(call, {
      start: (next) => {
        next({
          onReceiveMetadata: (metadata, proceed) => {
            const cert = call.getAuthContext().sslPeerCertificate;
            if (cert === undefined) {
              refuse(grpc.status.UNAUTHENTICATED, 'this server requires a client certificate issued by its CA (--tls-ca)');
              return;
            }
            caller = callerOf(cert);
            if (!permits(methodRoles[path], caller)) {
              refuse(grpc.status.PERMISSION_DENIED, `${describe(caller)} may not call ${path}`);
              return;
            }
            proceed(metadata);
          },
          onReceiveMessage: (message: unknown, proceed) => {
            if (path === '/twophase.v1.Coordinator/Enlist') {
              const problem = enlistProblem((message as { participantId?: string }).participantId, caller as Caller);
              if (problem !== undefined) {
                refuse(grpc.status.PERMISSION_DENIED, problem);
                return;
              }
            }
            const kinds = linkCallRoles[path];
            proceed(kinds === undefined ? message : markRefusedCalls(message as LinkRequestsMessage, kinds, caller as Caller, (problem) => logRefusal(problem)));
          },
        });
      },
    });
  };
}

function permits(allowed: readonly Role[] | typeof anyCaller | undefined, caller: Caller): boolean {
  if (allowed === anyCaller) return true;
  return allowed !== undefined && allowed.some((role) => caller.roles.has(role));
}

/**
 * The calls of a Link message, each the caller may not make replaced by one the Link
 * answers PERMISSION_DENIED (`refusedLinkCall`): the others on the stream go on.
 */
function markRefusedCalls(message: LinkRequestsMessage, kinds: Readonly<Record<string, readonly Role[]>>, caller: Caller, refused: (problem: string) => void): LinkRequestsMessage {
  const calls = message.calls ?? [];
  let out: LinkRequestMessage[] | undefined;
  for (const [i, call] of calls.entries()) {
    const kind = call.call;
    // a call of no kind the server knows is answered UNIMPLEMENTED by the Link itself
    if (kind === undefined || kinds[kind] === undefined) continue;
    const problem = !permits(kinds[kind], caller)
      ? `${describe(caller)} may not call ${kind} on this Link`
      : kind === 'enlist'
        ? enlistProblem((call.enlist as { participantId?: string } | undefined)?.participantId, caller)
        : undefined;
    if (problem === undefined) continue;
    refused(problem);
    out ??= [...calls];
    out[i] = { callId: call.callId, [refusedLinkCall]: problem };
  }
  return out === undefined ? message : { ...message, calls: out };
}

function enlistProblem(participantId: string | undefined, caller: Caller): string | undefined {
  if (participantId !== undefined && caller.participantIds.has(participantId)) return undefined;
  const own = [...caller.participantIds];
  return `${describe(caller)} may enlist only as ${own.length === 0 ? 'no participant' : own.join(', ')}, not as ${JSON.stringify(participantId ?? '')}`;
}

function describe(caller: Caller): string {
  const roles = [...caller.roles];
  return `the certificate ${caller.identities.length === 0 ? 'with no subject alternative name' : caller.identities.join(', ')} (${roles.length === 0 ? 'no role in the access policy' : `role ${roles.join(', ')}`})`;
}
