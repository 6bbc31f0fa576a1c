# tests/e2e/lib.sh: helpers shared by the end-to-end tests: a private temporary directory
# removed on exit, skipping (exit 77), failing with a message, and background processes that
# are always stopped. Source it first: . "$GT_SRCDIR/tests/e2e/lib.sh"
#
# The simulator:
#   start_sim [ARGS...]  starts "$GAMMATOP_SIM --port 0 --metrics-port 0 ARGS..." in the
#                        background (stopped on exit), waits (at most 30 s) for its ready line
#                        and sets SIM_URL (http://127.0.0.1:PORT, https:// with --tls),
#                        SIM_METRICS_URL (http://127.0.0.1:MPORT/metrics), SIM_PID, and
#                        SIM_LOG (its stderr). Fails the test if it does not come up.
#                        e.g.  start_sim --demo;  curl -s "$SIM_URL/api/v1/namespaces"
#   stop_sim             SIGTERM the last started sim and wait for it to exit (its --state
#                        file is then written); returns its exit status.
set -u
: "${GT_BUILDDIR:=$(pwd)}" "${GT_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${GAMMATOP:=$GT_BUILDDIR/src/gammatop}" "${GAMMATOP_SIM:=$GT_BUILDDIR/src/gammatop-sim}"
: "${GT_SHARED:=$GT_SRCDIR/../shared}"

T=$(mktemp -d "${TMPDIR:-/tmp}/gammatop-e2e.XXXXXX")
GT_PIDS=""
gt_cleanup() {
	for p in $GT_PIDS; do kill "$p" 2>/dev/null; done
	for p in $GT_PIDS; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
		kill -9 "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap gt_cleanup EXIT
trap 'exit 1' INT TERM

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }
# Remember a background pid so that it is stopped on exit.
gt_track() { GT_PIDS="$GT_PIDS $1"; }
# Wait (at most $2 seconds, default 10) until command $1 succeeds.
wait_for() {
	_n=$(( ${2:-10} * 10 ))
	while [ "$_n" -gt 0 ]; do
		eval "$1" >/dev/null 2>&1 && return 0
		sleep 0.1; _n=$((_n - 1))
	done
	return 1
}

SIM_N=0
start_sim() {
	SIM_N=$((SIM_N + 1))
	_out="$T/sim$SIM_N.out"
	SIM_LOG="$T/sim$SIM_N.err"
	"$GAMMATOP_SIM" --port 0 --metrics-port 0 "$@" >"$_out" 2>"$SIM_LOG" &
	SIM_PID=$!
	gt_track "$SIM_PID"
	if ! wait_for "grep -q '^gammatop-sim: serving ' '$_out'" 30; then
		cat "$SIM_LOG" >&2
		fail "gammatop-sim did not print its ready line ($*)"
	fi
	SIM_URL=$(sed -n 's/^gammatop-sim: serving \([^ ]*\).*/\1/p' "$_out")
	SIM_METRICS_URL=$(sed -n 's/^gammatop-sim: serving .* metrics \([^ ]*\).*/\1/p' "$_out")
	export SIM_URL SIM_METRICS_URL SIM_PID SIM_LOG
}
stop_sim() {
	kill -TERM "$SIM_PID" 2>/dev/null
	wait "$SIM_PID"
}
