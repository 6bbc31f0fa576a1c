#!/bin/sh
# bench-complete.sh: how long shell completion takes (`gammatop __complete ...`, what every
# <TAB> runs): commands and flags (no cluster), contexts (the kubeconfig), route names from a
# live sim with ROUTES generated routes, and from the cache when the cluster does not answer
# (the 2 s bound, then the cache). Prints the median and the maximum wall time of RUNS runs
# each; asserts nothing. Usage: tests/bench/bench-complete.sh [BUILDDIR] (default .)
# Environment: ROUTES (default 10000), RUNS (default 5).
set -u
B=${1:-.}
GAMMATOP=${GAMMATOP:-$B/src/gammatop}
GAMMATOP_SIM=${GAMMATOP_SIM:-$B/src/gammatop-sim}
ROUTES=${ROUTES:-10000}
RUNS=${RUNS:-5}
[ -x "$GAMMATOP" ] && [ -x "$GAMMATOP_SIM" ] || { echo "build gammatop and gammatop-sim first" >&2; exit 2; }
T=$(mktemp -d "${TMPDIR:-/tmp}/gammatop-bench.XXXXXX")
SIM=""
trap '[ -n "$SIM" ] && kill $SIM 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT INT TERM

"$GAMMATOP_SIM" --port 0 --generate "namespaces=50,gateways=4,services=$ROUTES,routes=$ROUTES" \
	>"$T/sim.out" 2>"$T/sim.err" &
SIM=$!
n=0
until grep -q 'serving' "$T/sim.out" 2>/dev/null; do
	n=$((n + 1)); [ $n -gt 600 ] && { cat "$T/sim.err" >&2; exit 2; }; sleep 0.1
done
URL=$(sed -n 's/^gammatop-sim: serving \([^ ]*\).*/\1/p' "$T/sim.out")
cat >"$T/kc" <<EOK
apiVersion: v1
kind: Config
current-context: sim
clusters: [{name: sim, cluster: {server: "$URL"}}]
contexts: [{name: sim, context: {cluster: sim}}, {name: other, context: {cluster: sim}}]
EOK
echo "sim: $URL with $ROUTES generated routes; $RUNS runs each; wall ms median / max"

# time_runs LABEL ARGS...: run `gammatop __complete ARGS` RUNS times, print the figures
time_runs() {
	label=$1; shift
	: >"$T/ms"
	for _ in $(seq "$RUNS"); do
		s=$(date +%s%N)
		"$GAMMATOP" __complete "$@" >"$T/out" 2>/dev/null
		echo $(( ($(date +%s%N) - s) / 1000000 )) >>"$T/ms"
	done
	sort -n "$T/ms" >"$T/ms.s"
	printf '%-44s %6s / %6s ms  (%s candidates)\n' "$label" "$(sed -n "$(( (RUNS + 1) / 2 ))p" "$T/ms.s")" \
		"$(tail -1 "$T/ms.s")" "$(grep -vc '^:' "$T/out")"
}
time_runs "commands (gammatop <TAB>)" ""
time_runs "flags (gammatop routes --<TAB>)" routes --
time_runs "contexts (--context <TAB>)" --kubeconfig "$T/kc" --context ""
time_runs "namespaces, live (-n <TAB>)" lint --kubeconfig "$T/kc" -n ""
time_runs "routes, live (set <TAB>)" set --kubeconfig "$T/kc" --cache "$T/cache.db" ""
# fill the cache as the console does, then make the cluster silent
GAMMATOP_HEADLESS=120x40 GAMMATOP_KEYS='<Sync>' "$GAMMATOP" --kubeconfig "$T/kc" --cache "$T/cache.db" \
	--no-telemetry --dump-screen >/dev/null 2>&1
curl -sf -X POST "$URL/sim/v1/faults?latencyMs=600000" >/dev/null || echo "(could not make the sim silent)"
time_runs "routes, silent cluster -> cache (set <TAB>)" set --kubeconfig "$T/kc" --cache "$T/cache.db" ""
