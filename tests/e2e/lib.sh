# tests/e2e/lib.sh: helpers shared by the end-to-end tests: a private temporary directory
# removed on exit, skipping (exit 77), failing with a message, and background processes that
# are always stopped. Source it first: . "$GT_SRCDIR/tests/e2e/lib.sh"
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
