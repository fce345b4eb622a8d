import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideSync, type LocalFile, type RemoteFile, type SyncedFile } from '../../sync/sync-decision.js';
import { conflictedCopyName, isConflictedCopy } from '../../sync/conflicted-copy-name.js';
import { propertyRuns } from '../support/property-runs.js';

const sha = (c: string): string => c.repeat(64);
const synced = (revision: number, content: string): SyncedFile => ({ revision, sha256: sha(content), size: 1, mtimeMs: 1000 });
const local = (content: string): LocalFile => ({ sha256: sha(content), size: 1, mtimeMs: 2000 });
const remote = (revision: number, content: string, deleted = false): RemoteFile => ({ revision, sha256: deleted ? '' : sha(content), size: deleted ? 0 : 1, deleted });

describe('decideSync: one path, from the last sync, the disk and the server', () => {
  it.each([
    ['unchanged on both sides', synced(3, 'a'), local('a'), undefined, { kind: 'none' }],
    ['unchanged; the feed replays the revision already synced', synced(3, 'a'), local('a'), remote(3, 'a'), { kind: 'none' }],
    ['unchanged; the feed is behind this client\'s own write', synced(5, 'a'), local('a'), remote(4, 'z'), { kind: 'none' }],
    ['the same bytes written again on the server: only the state moves', synced(3, 'a'), local('a'), remote(4, 'a'), { kind: 'record', remote: remote(4, 'a') }],
    ['edited here, the same bytes written again on the server: no conflict, If-Match on the newer revision', synced(3, 'a'), local('b'), remote(4, 'a'), { kind: 'upload', ifMatch: 4 }],
    ['deleted here, the same bytes written again on the server: delete If-Match on the newer revision', synced(3, 'a'), undefined, remote(4, 'a'), { kind: 'delete-remote', ifMatch: 4 }],
    ['edited here: upload If-Match on the synced revision', synced(3, 'a'), local('b'), undefined, { kind: 'upload', ifMatch: 3 }],
    ['new here: upload If-None-Match *', undefined, local('b'), undefined, { kind: 'upload', ifMatch: undefined }],
    ['new here, a tombstone on the server: If-None-Match *', undefined, local('b'), remote(4, '', true), { kind: 'upload', ifMatch: undefined }],
    ['deleted here: delete If-Match on the synced revision', synced(3, 'a'), undefined, undefined, { kind: 'delete-remote', ifMatch: 3 }],
    ['edited on the server: download', synced(3, 'a'), local('a'), remote(4, 'b'), { kind: 'download', remote: remote(4, 'b') }],
    ['new on the server: download', undefined, undefined, remote(1, 'b'), { kind: 'download', remote: remote(1, 'b') }],
    ['deleted on the server: delete here', synced(3, 'a'), local('a'), remote(4, '', true), { kind: 'delete-local', remote: remote(4, '', true) }],
    ['a tombstone never synced, nothing here', undefined, undefined, remote(4, '', true), { kind: 'none' }],
    ['both edited to the same content: only the state moves', synced(3, 'a'), local('b'), remote(4, 'b'), { kind: 'record', remote: remote(4, 'b') }],
    ['new on both sides, same content', undefined, local('b'), remote(1, 'b'), { kind: 'record', remote: remote(1, 'b') }],
    ['both edited, differently: conflict', synced(3, 'a'), local('b'), remote(4, 'c'), { kind: 'conflict', remote: remote(4, 'c') }],
    ['new on both sides, different content: conflict', undefined, local('b'), remote(1, 'c'), { kind: 'conflict', remote: remote(1, 'c') }],
    ['edited here, deleted on the server: the edit is kept as a conflicted copy', synced(3, 'a'), local('b'), remote(4, '', true), { kind: 'conflict', remote: remote(4, '', true) }],
    ['deleted here, edited on the server: the edit comes back', synced(3, 'a'), undefined, remote(4, 'c'), { kind: 'download', remote: remote(4, 'c') }],
    ['deleted on both sides: forgotten', synced(3, 'a'), undefined, remote(4, '', true), { kind: 'forget' }],
  ] as const)('%s', (_name, s, l, r, expected) => {
    expect(decideSync(s, l, r)).toEqual(expected);
  });

  it('never loses content: whatever the three views, every content that differs from the last synced one is carried or kept', () => {
    const content = fc.constantFrom('a', 'b', 'c');
    fc.assert(
      fc.property(
        fc.option(fc.record({ revision: fc.integer({ min: 1, max: 5 }), c: content })),
        fc.option(content),
        fc.option(fc.record({ revision: fc.integer({ min: 1, max: 6 }), c: content, deleted: fc.boolean() })),
        (s, l, r) => {
          const S = s === null ? undefined : synced(s.revision, s.c);
          const L = l === null ? undefined : local(l);
          const R = r === null ? undefined : remote(r.revision, r.c, r.deleted);
          const action = decideSync(S, L, R);
          const localEdit = L !== undefined && L.sha256 !== S?.sha256;
          const newest = R ?? (S === undefined ? undefined : remote(S.revision, S.sha256[0]!));
          const remoteEdit = newest !== undefined && !newest.deleted && newest.sha256 !== S?.sha256 && (S === undefined || newest.revision > S.revision);
          // a local edit is uploaded, kept as a conflicted copy, or is already the server's content
          if (localEdit) expect(['upload', 'conflict', 'record']).toContain(action.kind);
          if (action.kind === 'record') expect(L?.sha256).toBe(newest?.sha256);
          // a server edit is downloaded, or kept as the file of a conflict, or is already here
          if (remoteEdit) expect(['download', 'conflict', 'record']).toContain(action.kind);
          // a delete is the only thing ever dropped, and only a side's own content unchanged since the sync
          if (action.kind === 'delete-local') expect(L?.sha256).toBe(S?.sha256);
          if (action.kind === 'delete-remote') expect(remoteEdit).toBe(false);
          // a conflict only with a real one: both sides changed, to different contents
          if (action.kind === 'conflict') {
            expect(localEdit).toBe(true);
            expect(remoteEdit || (newest?.deleted === true && S !== undefined && newest.revision > S.revision)).toBe(true);
            expect(L?.sha256).not.toBe(newest?.deleted ? undefined : newest?.sha256);
          }
        },
      ),
      { numRuns: propertyRuns(2_000) },
    );
  });
});

describe('conflictedCopyName', () => {
  const at = new Date(Date.UTC(2026, 11, 4, 9, 5, 7));
  it('names the host and the UTC time before the extension', () => {
    expect(conflictedCopyName('docs/report.pdf', 'laptop', at, () => false)).toBe('docs/report (conflicted copy laptop 2026-12-04 090507).pdf');
    expect(conflictedCopyName('notes', 'laptop', at, () => false)).toBe('notes (conflicted copy laptop 2026-12-04 090507)');
    expect(conflictedCopyName('.bashrc', 'laptop', at, () => false)).toBe('.bashrc (conflicted copy laptop 2026-12-04 090507)');
    expect(conflictedCopyName('a.tar.gz', 'my host/x', at, () => false)).toBe('a.tar (conflicted copy my-host-x 2026-12-04 090507).gz');
  });

  it('counts on when the name is taken', () => {
    const taken = new Set(['a (conflicted copy h 2026-12-04 090507).txt', 'a (conflicted copy h 2026-12-04 090507 2).txt']);
    expect(conflictedCopyName('a.txt', 'h', at, (c) => taken.has(c))).toBe('a (conflicted copy h 2026-12-04 090507 3).txt');
  });

  it('tells a conflicted copy from a file', () => {
    expect(isConflictedCopy('docs/report (conflicted copy laptop 2026-12-04 090507).pdf')).toBe(true);
    expect(isConflictedCopy('a (conflicted copy h 2026-12-04 090507 3).txt')).toBe(true);
    expect(isConflictedCopy('docs/report.pdf')).toBe(false);
  });
});
