/*
 * twophase — presumed-abort two-phase commit: one tx, one coordinator, two participants.
 *
 * What is modelled (DESIGN.md, "Protocol" and "Recovery"):
 * - the coordinator's volatile state is lost in a crash; its decision log keeps the COMMIT
 *   record once it is synced; the END record is appended unsynced, so a crash may lose it;
 *   after a restart a COMMIT without END is re-driven, anything else is unknown, and
 *   unknown means aborted (presumed abort);
 * - a participant votes yes only once its prepared state is durable, and keeps it across
 *   crashes (in doubt); unprepared work is lost in a crash or aborted by the idle limit —
 *   the same step here (`pst = ABORTED` from WORKING); a prepared participant that has not
 *   heard the decision asks the coordinator (GetOutcome);
 * - every message may be lost or duplicated, and stays in flight across crashes;
 * - the coordinator re-sends phase-2 decisions (retry with backoff) and may give up
 *   waiting for votes at any time (prepare deadline: a missing vote counts as no).
 *
 * Checked exhaustively, at every step that changes a participant's branch:
 * - atomicity: never one participant committed and the other aborted;
 * - persist before speaking: no participant commits unless the commit record is durable.
 * Budgets (crashes, losses, duplicates, retries, questions) bound the state space;
 * `check.sh` runs the full search.
 *
 * Mutant: -DCOMMIT_BEFORE_LOG sends Commit while the commit record is still being synced.
 * spin finds the interleaving where the coordinator crashes before the sync: one
 * participant committed, the restarted coordinator has no record, and the other, in
 * doubt, is told "aborted" by presumption.
 */

#define NP 2

#ifndef MAX_C_CRASH
#define MAX_C_CRASH 2
#endif
#ifndef MAX_DROP
#define MAX_DROP 1
#endif
#ifndef MAX_DUP
#define MAX_DUP 1
#endif
#ifndef MAX_RESEND
#define MAX_RESEND 1
#endif
#ifndef MAX_ASK
#define MAX_ASK 1
#endif

/* last-resource messages first: mtype values count down from the last declared, so the others keep theirs */
mtype = { COMMIT1P, RESOLVE, DONE_COMMITTED, DONE_ABORTED, PREPARE, COMMIT, ABORT, YES, NO, ACK_COMMIT, ACK_ABORT, ASK, OUT_COMMITTED, OUT_ABORTED, OUT_PENDING };

/* a participant's branch: WORKING is unprepared (volatile) work, the others are durable */
#define WORKING   0
#define PREPARED  1
#define COMMITTED 2
#define ABORTED   3
/* last-resource mode only: the one-phase COMMIT reached the database and has not landed yet */
#define LANDING   4

/* the coordinator's volatile view of the tx */
#define ACTIVE     0
#define PREPARING  1
#define DECIDING   2
#define COMMITTING 3
#define ABORTING   4
#define UNKNOWN    5
/* last-resource mode: the last resource (P1) is committing one-phase; its COMMIT is the commit point */
#define COMMITTING_LAST 6
/* last-resource mode: the outcome is asked of the last resource, by a compare-and-set on its marker */
#define RESOLVING  7

/* the last resource's decision marker, in its own database (kept across every crash) */
#define M_NONE      0
#define M_COMMITTED 1
#define M_ABORTED   2

#ifdef LAST_RESOURCE
#define VOTERS 1   /* phase 1 goes to P0 only */
#else
#define VOTERS NP
#endif

byte pst[NP];              /* each participant's branch */
bool logCommit = false;    /* the COMMIT record is on stable storage */
bool logEnd = false;       /* the END record was appended (not synced) */
bool logHint = false;      /* last-resource mode: the unsynced commit hint */
byte marker = M_NONE;      /* last-resource mode: the marker row of the tx at P1 */

chan toP[NP] = [2] of { mtype };
chan toC = [2] of { mtype, byte };

byte drops = 0;
byte dups = 0;

/* the network: a message may be lost (budget), duplicated (budget), or dropped when the link is full */
inline sendP(i, m) {
  if
  :: drops < MAX_DROP -> drops++
  :: nfull(toP[i]) -> toP[i]!m
  :: dups < MAX_DUP && empty(toP[i]) -> dups++; toP[i]!m; toP[i]!m
  :: full(toP[i]) -> skip
  fi
}

inline sendC(m, from) {
  if
  :: drops < MAX_DROP -> drops++
  :: nfull(toC) -> toC!m, from
  :: dups < MAX_DUP && empty(toC) -> dups++; toC!m, from; toC!m, from
  :: full(toC) -> skip
  fi
}

inline commitBranch(i) {
#ifndef ATOMICITY_ONLY
#ifdef LAST_RESOURCE
  assert(marker == M_COMMITTED);    /* persist before speaking: the last resource's COMMIT is the commit point */
#else
  assert(logCommit);                /* persist before speaking */
#endif
#endif
  assert(pst[1 - i] != ABORTED);    /* atomicity */
  pst[i] = COMMITTED
}

inline abortBranch(i) {
  assert(pst[1 - i] != COMMITTED);  /* atomicity */
  pst[i] = ABORTED
}

/*
 * The compare-and-set at the last resource: insert (tx, aborted) unless a marker exists,
 * and answer what the marker says. An open branch can never commit after an aborted
 * marker. The mutant -DLR_READ_MARKER only reads: no marker reads as aborted, and nothing
 * stops the one-phase COMMIT still landing.
 */
inline resolveCAS(i) {
  if
  :: marker == M_NONE ->
#ifndef LR_READ_MARKER
       marker = M_ABORTED;
       if
       :: pst[i] == WORKING -> abortBranch(i)
       :: else -> skip
       fi;
#endif
       sendC(DONE_ABORTED, i)
  :: marker == M_COMMITTED -> sendC(DONE_COMMITTED, i)
  :: marker == M_ABORTED -> sendC(DONE_ABORTED, i)
  fi
}

active proctype Coordinator() {
  byte cs = ACTIVE;
  bool gotYes[NP];
  bool acked[NP];
  bool known = true;  /* last-resource mode: false once a restart forgot the tx */
  byte next = 0;      /* the next participant to send to in this round */
  byte resends = 0;
  byte crashes = 0;
  byte from;

end:
  do
  /* the client asks Commit, or Abort */
  :: atomic { cs == ACTIVE -> cs = PREPARING; next = 0 }
  :: atomic { cs == ACTIVE -> cs = ABORTING; next = 0 }

  /* phase 1: Prepare to each participant; the prepare deadline may fire at any time */
  :: atomic { cs == PREPARING && next < VOTERS -> sendP(next, PREPARE); next++ }
  :: atomic { cs == PREPARING -> cs = ABORTING; next = 0 }
  :: atomic {
       toC?YES, from ->
       if
       :: cs == PREPARING ->
            gotYes[from] = true;
            if
#ifdef LAST_RESOURCE
            :: gotYes[0] -> cs = COMMITTING_LAST; next = 0
#else
            :: gotYes[0] && gotYes[1] -> cs = DECIDING; next = 0
#endif
            :: else -> skip
            fi
       :: else -> skip
       fi;
       from = 0
     }
  :: atomic {
       toC?NO, from ->
       if
       :: cs == PREPARING -> cs = ABORTING; next = 0
       :: else -> skip
       fi;
       from = 0
     }

  /* the commit point: the COMMIT record is synced; only then does phase 2 start */
  :: atomic { cs == DECIDING -> logCommit = true; cs = COMMITTING; next = 0 }
#ifdef COMMIT_BEFORE_LOG
  /* the mutant: Commit goes out while the record is still on its way to the disk */
  :: atomic { cs == DECIDING && next < NP -> sendP(next, COMMIT); next++ }
#endif

#ifdef LAST_RESOURCE
  /* the one-phase commit at the last resource; its answer may be lost or late: then resolve */
  :: atomic { cs == COMMITTING_LAST && next == 0 -> sendP(1, COMMIT1P); next = 1 }
  :: atomic { cs == COMMITTING_LAST && next == 1 -> cs = RESOLVING; next = 0 }
  :: atomic { cs == RESOLVING && next == 0 -> sendP(1, RESOLVE); next = 1 }
  :: atomic { cs == RESOLVING && next == 1 && resends < MAX_RESEND -> resends++; next = 0 }
  :: atomic {
       toC?DONE_COMMITTED, from ->
       if
       :: (cs == COMMITTING_LAST || cs == RESOLVING) && known ->
            logHint = true; acked[1] = true; cs = COMMITTING; next = 0
       :: (cs == COMMITTING_LAST || cs == RESOLVING) && !known ->
            sendP(0, OUT_COMMITTED); cs = UNKNOWN   /* answer the asker; phase 2 is its own doing */
       :: else -> skip
       fi;
       from = 0
     }
  :: atomic {
       toC?DONE_ABORTED, from ->
       if
       :: (cs == COMMITTING_LAST || cs == RESOLVING) && known -> cs = ABORTING; next = 0
       :: (cs == COMMITTING_LAST || cs == RESOLVING) && !known -> sendP(0, OUT_ABORTED); cs = UNKNOWN
       :: else -> skip
       fi;
       from = 0
     }
#endif

  /* phase 2: Commit to every participant that has not acked; retried with backoff */
  :: atomic {
       cs == COMMITTING && next < NP ->
       if
       :: !acked[next] -> sendP(next, COMMIT)
       :: else -> skip
       fi;
       next++
     }
  :: atomic { cs == COMMITTING && next == NP && resends < MAX_RESEND && !(acked[0] && acked[1]) -> resends++; next = 0 }
  :: atomic {
       toC?ACK_COMMIT, from ->
       if
       :: cs == COMMITTING ->
            acked[from] = true;
            if
            :: acked[0] && acked[1] -> logEnd = true; cs = UNKNOWN   /* END appended, the tx forgotten */
            :: else -> skip
            fi
       :: else -> skip
       fi;
       from = 0
     }

  /* abort: nothing is logged; Abort to every participant, retried, then forgotten */
  :: atomic { cs == ABORTING && next < NP -> sendP(next, ABORT); next++ }
  :: atomic { cs == ABORTING && next == NP && resends < MAX_RESEND -> resends++; next = 0 }
  :: atomic { cs == ABORTING && next == NP -> cs = UNKNOWN }
  :: atomic { toC?ACK_ABORT, from -> from = 0 }

  /* GetOutcome of an in-doubt participant: unknown means aborted */
  :: atomic {
       toC?ASK, from ->
       if
       :: cs == COMMITTING -> sendP(from, OUT_COMMITTED)
       :: cs == ACTIVE || cs == PREPARING || cs == DECIDING || cs == COMMITTING_LAST || cs == RESOLVING -> sendP(from, OUT_PENDING)
       :: cs == ABORTING -> sendP(from, OUT_ABORTED)
#ifdef LAST_RESOURCE
       /* not presumed: the last resource may have committed it; ask it */
       :: cs == UNKNOWN -> cs = RESOLVING; known = false; next = 0; resends = 0
#else
       :: cs == UNKNOWN -> sendP(from, OUT_ABORTED)
#endif
       fi;
       from = 0
     }

  /* crash and restart: the volatile state goes, the unsynced END may go, the log is replayed */
  :: atomic {
       crashes < MAX_C_CRASH ->
       crashes++;
       if
       :: logEnd -> logEnd = false
       :: true -> skip
       fi;
       if
       :: logHint -> logHint = false   /* unsynced: a power loss may take it */
       :: true -> skip
       fi;
       gotYes[0] = false; gotYes[1] = false;
       acked[0] = false; acked[1] = false;
       next = 0; resends = 0; known = true;
       if
       :: logCommit && !logEnd -> cs = COMMITTING   /* re-drive */
       :: logHint && !logEnd -> cs = COMMITTING; acked[1] = true   /* re-drive the others */
       :: else -> cs = UNKNOWN                      /* presumed abort (last-resource mode: asked of P1) */
       fi
     }
  od
}

active [NP] proctype Participant() {
  byte i = _pid - 1;
  byte asks = 0;

end:
  do
  :: atomic {
       toP[i]?PREPARE ->
       if
       :: pst[i] == WORKING -> pst[i] = PREPARED; sendC(YES, i)   /* durable first, then yes */
       :: pst[i] == WORKING -> abortBranch(i); sendC(NO, i)       /* the storage refuses */
       :: pst[i] == PREPARED -> sendC(YES, i)
       :: pst[i] == COMMITTED || pst[i] == ABORTED || pst[i] == LANDING -> sendC(NO, i)
       fi
     }
  :: atomic {
       toP[i]?COMMIT ->
       if
       :: pst[i] == PREPARED -> commitBranch(i); sendC(ACK_COMMIT, i)
       :: pst[i] == COMMITTED -> sendC(ACK_COMMIT, i)               /* verified by the marker */
       :: pst[i] == WORKING || pst[i] == ABORTED || pst[i] == LANDING -> skip   /* refused: never prepared */
       fi
     }
  :: atomic {
       toP[i]?ABORT ->
       if
       :: pst[i] == COMMITTED || pst[i] == LANDING -> skip          /* refused: committed, or committing one-phase */
       :: pst[i] == WORKING || pst[i] == PREPARED -> abortBranch(i); sendC(ACK_ABORT, i)
       :: pst[i] == ABORTED -> sendC(ACK_ABORT, i)
       fi
     }
#ifdef LAST_RESOURCE
  /* the last resource: a one-phase COMMIT with the marker inside the same transaction */
  :: atomic {
       i == 1 && toP[i]?[COMMIT1P] && pst[i] != LANDING -> toP[i]?COMMIT1P;
       if
       :: pst[i] == WORKING -> pst[i] = LANDING
       :: else -> resolveCAS(i)   /* no open branch: the compare-and-set answers */
       fi
     }
  /* the database lands the COMMIT whatever happens to the participant process */
  :: atomic {
       pst[i] == LANDING ->
       if
       :: marker == M_NONE -> marker = M_COMMITTED; commitBranch(i); sendC(DONE_COMMITTED, i)
       :: else -> abortBranch(i); sendC(DONE_ABORTED, i)   /* the marker insert hits the taken key */
       fi
     }
  /* the compare-and-set waits for a COMMIT in flight (it holds the key); the mutant does not */
#ifdef LR_READ_MARKER
  :: atomic { i == 1 && toP[i]?[RESOLVE] -> toP[i]?RESOLVE; resolveCAS(i) }
#else
  :: atomic { i == 1 && toP[i]?[RESOLVE] && pst[i] != LANDING -> toP[i]?RESOLVE; resolveCAS(i) }
#endif
#endif
  /* in doubt: ask the coordinator */
  :: atomic { pst[i] == PREPARED && asks < MAX_ASK -> asks++; sendC(ASK, i) }
  :: atomic {
       toP[i]?OUT_COMMITTED ->
       if
       :: pst[i] == PREPARED -> commitBranch(i)
       :: else -> skip
       fi
     }
  :: atomic {
       toP[i]?OUT_ABORTED ->
       if
       :: pst[i] == PREPARED -> abortBranch(i)
       :: else -> skip
       fi
     }
  :: atomic { toP[i]?OUT_PENDING -> skip }
  /* a crash, or the idle limit, ends unprepared work; prepared state survives a crash */
  :: atomic { pst[i] == WORKING -> abortBranch(i) }
  od
}
