#!/usr/bin/env bash
# Model-checks model/twophase.pml with spin: generates the verifier (spin -a), compiles it
# (gcc), runs an exhaustive safety search and prints states explored, time and errors.
#
#   model/check.sh             the protocol as designed; exits 0 when errors=0
#   model/check.sh --mutant    Commit sent before the commit record is synced; breadth-first
#                              search, so the counterexample is a shortest one; prints the
#                              trail (spin -t -p) in short form; exits 0 when errors>=1
#   model/check.sh --last-resource            last-resource mode (P1 is the last resource)
#   model/check.sh --last-resource --mutant   … with a resolver that reads the marker instead
#                                             of the compare-and-set; exits 0 when errors>=1
#
# Further -DNAME=VALUE arguments reach the model, e.g. -DMAX_C_CRASH=3 -DMAX_DROP=2.
# Needs spin (Debian/Ubuntu package `spin`) and gcc.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
defines=()
mutant=0
last_resource=0
for arg in "$@"; do
  case "$arg" in
    --mutant) mutant=1 ;;
    --last-resource) last_resource=1 ;;
    -D*) defines+=("$arg") ;;
    *) echo "usage: $0 [--last-resource] [--mutant] [-DNAME=VALUE…]" >&2; exit 2 ;;
  esac
done
if [ "$last_resource" = 1 ]; then defines+=(-DLAST_RESOURCE); fi
pan_flags=(-DSAFETY)
if [ "$mutant" = 1 ]; then
  # the persist-before-speaking assertion would stop the search at the first early Commit;
  # without it spin has to find the end-to-end break of atomicity
  if [ "$last_resource" = 1 ]; then defines+=(-DLR_READ_MARKER -DATOMICITY_ONLY); else defines+=(-DCOMMIT_BEFORE_LOG -DATOMICITY_ONLY); fi
  pan_flags+=(-DBFS)
fi

command -v spin >/dev/null || { echo "spin is not installed (apt-get install -y spin)" >&2; exit 3; }
command -v gcc >/dev/null || { echo "gcc is not installed" >&2; exit 3; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/twophase.pml" "$work/"
cd "$work"

spin -a "${defines[@]}" twophase.pml >spin-a.log 2>&1 || { cat spin-a.log; exit 4; }
gcc -O2 "${pan_flags[@]}" -w -o pan pan.c
# -m: depth bound (never reached: the budgets bound the model); -c1: stop at the first error
./pan -m10000000 -c1 >pan.out 2>&1 || true

states=$(awk '/states, stored/ {print $1; exit}' pan.out)
transitions=$(awk '/transitions \(= (stored\+matched|visited\+matched)\)/ {print $1; exit}' pan.out)
depth=$(sed -n 's/.*depth reached \([0-9]*\).*/\1/p' pan.out | head -1)
errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' pan.out | head -1)
elapsed=$(sed -n 's/^pan: elapsed time \([0-9.e+-]*\) seconds.*/\1/p' pan.out | head -1)
if grep -qE "search not completed|max search depth too small|MEMLIM|out of memory" pan.out; then
  echo "the search did not complete:" >&2
  grep -E "search not completed|max search depth too small|MEMLIM|out of memory" pan.out >&2
  exit 5
fi

echo "model: twophase.pml${defines[*]:+ ${defines[*]}}"
echo "states=${states:-?} transitions=${transitions:-?} depth=${depth:-?} time=${elapsed:-?}s errors=${errors:-?}"

if [ "${errors:-0}" != "0" ]; then
  grep -m1 -E "assertion violated|invalid end state|acceptance cycle" pan.out || true
  if [ -f twophase.pml.trail ]; then
    echo "counterexample (spin -t -p; sends, receives and state changes only):"
    # mtype values count down from the last declared; the coordinator states are #defines
    spin -t -p "${defines[@]}" twophase.pml 2>&1 \
      | grep -E '\[(toP\[[a-z0-9]+\]!|toC!|toP\[i\]\?|toC\?|cs = |pst\[i\] = |logCommit = |logEnd = |logHint = |marker = |crashes = |assert)' \
      | sed -E \
        -e 's/^ *([0-9]+):\s+proc +0 \(Coordinator:1\) twophase\.pml:[0-9]+ \(state [0-9]+\)\s+/\1 C   /' \
        -e 's/^ *([0-9]+):\s+proc +1 \(Participant:1\) twophase\.pml:[0-9]+ \(state [0-9]+\)\s+/\1 P0  /' \
        -e 's/^ *([0-9]+):\s+proc +2 \(Participant:1\) twophase\.pml:[0-9]+ \(state [0-9]+\)\s+/\1 P1  /' \
        -e 's/!15\]/ COMMIT1P]/; s/!14\]/ RESOLVE]/; s/!13,i\]/ DONE_COMMITTED]/; s/!12,i\]/ DONE_ABORTED]/' \
        -e 's/toC\?DONE_([A-Z]+),from/receive DONE_\1/; s/cs = 6\]/cs = COMMITTING_LAST (the last resource commits one-phase)]/; s/cs = 7\]/cs = RESOLVING (compare-and-set at the last resource)]/; s/pst\[i\] = 4\]/branch LANDING (one-phase COMMIT in the database)]/; s/marker = 1\]/marker COMMITTED]/; s/marker = 2\]/marker ABORTED]/' \
        -e 's/!11\]/ PREPARE]/; s/!10\]/ COMMIT]/; s/!9\]/ ABORT]/; s/!8,i\]/ YES]/; s/!7,i\]/ NO]/; s/!6,i\]/ ACK_COMMIT]/; s/!5,i\]/ ACK_ABORT]/; s/!4,i\]/ ASK]/; s/!3\]/ OUT_COMMITTED]/; s/!2\]/ OUT_ABORTED]/; s/!1\]/ OUT_PENDING]/' \
        -e 's/toC\?([A-Z_]+),from/receive \1/; s/toP\[i\]\?([A-Z_]+)/receive \1/' \
        -e 's/toP\[(next|from)\]/send to P/; s/toC!?/send to C/' \
        -e 's/cs = 1\]/cs = PREPARING]/; s/cs = 2\]/cs = DECIDING (commit record being synced)]/; s/cs = 3\]/cs = COMMITTING]/; s/cs = 4\]/cs = ABORTING]/; s/cs = 5\]/cs = UNKNOWN (presumed abort)]/' \
        -e 's/pst\[i\] = 1\]/branch PREPARED]/; s/pst\[i\] = 2\]/branch COMMITTED]/; s/pst\[i\] = 3\]/branch ABORTED]/' \
        -e 's/crashes = \(crashes\+1\)/CRASH/' \
      | head -60
    spin -t -p "${defines[@]}" twophase.pml 2>&1 | grep -E "text of failed assertion|logCommit = |pst\[[01]\] = " | tail -4
  fi
fi
if [ "$mutant" = 1 ]; then [ "${errors:-0}" != "0" ]; else [ "${errors:-1}" = "0" ]; fi
