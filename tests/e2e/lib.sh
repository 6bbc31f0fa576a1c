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
#
# Prometheus (the caller checks `command -v prometheus` and `curl` and skips without them):
#   start_prometheus HOST:PORT
#                        writes $T/prometheus.yml (scrape and evaluation every 1 s, one job
#                        "sim" scraping HOST:PORT), starts a real Prometheus on a free
#                        127.0.0.1 port (up to 5 tries; data in $T/tsdb, log in
#                        $T/prometheus.log; stopped on exit), waits (at most 20 s) for
#                        /-/ready and then (at most 20 s) for a first successful scrape
#                        (up == 1); sets PROM (http://127.0.0.1:PORT) and PROM_PID. Fails
#                        the test if it does not come up or never scrapes.
#                        e.g.  start_prometheus "127.0.0.1:$MPORT"; curl "$PROM/-/ready"
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
# within VALUE WANT TOL: succeeds when the number VALUE is WANT +- TOL (for measured figures).
within() { awk -v v="$1" -v w="$2" -v t="$3" 'BEGIN { d = v - w; if (d < 0) d = -d; exit !(d <= t) }'; }
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

# run_prometheus CONFIG: a real Prometheus on a free 127.0.0.1 port with that configuration;
# sets PROM (its URL) and PROM_PID, or fails the test.
run_prometheus() {
	PROM=""
	for _try in 1 2 3 4 5; do
		_port=$(( 20000 + ($$ * 7 + _try * 7919) % 40000 ))
		curl -s -o /dev/null "http://127.0.0.1:$_port/" && continue
		prometheus --config.file="$1" --storage.tsdb.path="$T/tsdb" \
			--web.listen-address="127.0.0.1:$_port" >"$T/prometheus.log" 2>&1 &
		PROM_PID=$!
		gt_track "$PROM_PID"
		if wait_for "curl -sf http://127.0.0.1:$_port/-/ready" 20; then
			PROM="http://127.0.0.1:$_port"
			break
		fi
		kill "$PROM_PID" 2>/dev/null
	done
	[ -n "$PROM" ] || { tail -5 "$T/prometheus.log" >&2; fail "prometheus did not start"; }
}

start_prometheus() {
	cat >"$T/prometheus.yml" <<EOF
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: sim
    static_configs: [{targets: ['$1']}]
EOF
	run_prometheus "$T/prometheus.yml"
	wait_for "curl -sf '$PROM/api/v1/query?query=up' | grep -q '\"1\"'" 20 ||
		fail "prometheus: no successful scrape of $1"
}
