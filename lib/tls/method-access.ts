import type { Role } from './access-policy.js';

/** Any caller with a certificate the CA issued, whatever the policy grants it. */
export const anyCaller = 'any caller the CA vouches for';


/**
 * The roles that may call each method but the Links (DESIGN.md, Security model). A method
 * missing here is refused to everyone: a new RPC is closed until it is given its roles.
 *
 * The operator's `twophase admin in-doubt` and `admin resolve --abort` read a participant's
 * in-doubt branches and abort them with the admin identity, so admins may also call
 * Participant.ListInDoubt and Abort (a heuristic commit goes through the decision log).
 */
const unaryAndStreamRoles: Readonly<Record<string, readonly Role[] | typeof anyCaller>> = {
  '/twophase.v1.Coordinator/Begin': ['client'],
  '/twophase.v1.Coordinator/Enlist': ['participant'],
  '/twophase.v1.Coordinator/Commit': ['client'],
  '/twophase.v1.Coordinator/Abort': ['client'],
  '/twophase.v1.Coordinator/GetOutcome': ['client', 'participant', 'admin'],
  '/twophase.v1.Coordinator/ListParticipants': ['client', 'admin'],
  '/twophase.v1.Participant/Prepare': ['coordinator'],
  '/twophase.v1.Participant/Commit': ['coordinator'],
  '/twophase.v1.Participant/Abort': ['coordinator', 'admin'],
  '/twophase.v1.Participant/ListInDoubt': ['coordinator', 'admin'],
  '/twophase.v1.Participant/CommitOnePhase': ['coordinator'],
  '/twophase.v1.Participant/ResolveOutcome': ['coordinator'],
  '/twophase.v1.BlobStore/Put': ['client'],
  '/twophase.v1.BlobStore/Get': ['client'],
  '/twophase.v1.BlobStore/Stat': ['client'],
  '/twophase.v1.BlobUploads/CreateUpload': ['client'],
  '/twophase.v1.BlobUploads/GetUpload': ['client'],
  '/twophase.v1.BlobUploads/AppendUpload': ['client'],
  '/twophase.v1.BlobUploads/DeleteUpload': ['client'],
  '/twophase.v1.BlobUploads/AdoptUpload': ['client'],
  '/twophase.v1.BlobUploads/SettleUpload': ['client'],
  '/twophase.v1.Metadata/StageRevision': ['client'],
  '/twophase.v1.Metadata/DeleteFile': ['client'],
  '/twophase.v1.Metadata/GetFile': ['client'],
  '/twophase.v1.Metadata/ListRevisions': ['client'],
  '/twophase.v1.Metadata/ListFiles': ['client'],
  '/twophase.v1.Metadata/GetTransactionRevision': ['client'],
  '/twophase.v1.Metadata/WatchChanges': ['client'],
  '/twophase.v1.Metadata/ListChanges': ['client'],
  '/twophase.v1.Admin/ListFailpoints': ['admin'],
  '/twophase.v1.Admin/ArmFailpoints': ['admin'],
  '/twophase.v1.Admin/DisarmFailpoints': ['admin'],
  '/twophase.v1.Admin/GetStats': ['admin'],
  '/twophase.v1.Admin/ListTransactions': ['admin'],
  // health checking is for anyone the CA vouches for: load balancers, supervisors, peers
  '/grpc.health.v1.Health/Check': anyCaller,
  '/grpc.health.v1.Health/Watch': anyCaller,
  '/grpc.health.v1.Health/List': anyCaller,
};

/** For each Link, the roles of each call it multiplexes: the same as the unary method's. */
export const linkCallRoles: Readonly<Record<string, Readonly<Record<string, readonly Role[]>>>> = {
  '/twophase.v1.Coordinator/Link': { begin: ['client'], enlist: ['participant'], commit: ['client'], abort: ['client'], getOutcome: ['client', 'participant'] },
  '/twophase.v1.Participant/Link': { prepare: ['coordinator'], commit: ['coordinator'], abort: ['coordinator'], commitOnePhase: ['coordinator'], resolveOutcome: ['coordinator'] },
  '/twophase.v1.BlobStore/Link': { put: ['client'] },
  '/twophase.v1.Metadata/Link': { stageRevision: ['client'], deleteFile: ['client'] },
};

/**
 * Every method's roles: those above, and each Link open to every role that may make one of
 * its calls (a call outside the caller's roles is refused on the Link itself).
 */
export const methodRoles: Readonly<Record<string, readonly Role[] | typeof anyCaller>> = {
  ...unaryAndStreamRoles,
  ...Object.fromEntries(Object.entries(linkCallRoles).map(([path, calls]) => [path, [...new Set(Object.values(calls).flat())]])),
};
