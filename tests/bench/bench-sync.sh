#!/bin/sh
# bench-sync.sh: time and peak memory of a full sync of 10,000 HTTPRoutes + 10,000 Services
# (plus the other kinds) from gammatop-sim over TLS with a bearer token, side by side with
# `kubectl get httproutes -A -o json` (and services) on the same sim when kubectl is present.
# Prints figures; asserts nothing. Usage: tests/bench/bench-sync.sh [BUILDDIR] (default .)
# Environment: ROUTES (generated routes, default 11060: about a tenth become GRPCRoutes, which
# leaves about 10,000 HTTPRoutes), SERVICES (default 10000), RUNS (default 3).
set -u
B=${1:-.}
GAMMATOP=${GAMMATOP:-$B/src/gammatop}
GAMMATOP_SIM=${GAMMATOP_SIM:-$B/src/gammatop-sim}
ROUTES=${ROUTES:-11060}
SERVICES=${SERVICES:-10000}
RUNS=${RUNS:-3}
[ -x "$GAMMATOP" ] && [ -x "$GAMMATOP_SIM" ] || { echo "build gammatop and gammatop-sim first" >&2; exit 2; }
command time -f %M true >/dev/null 2>&1 || { echo "needs GNU time (command time -f)" >&2; exit 2; }

T=$(mktemp -d "${TMPDIR:-/tmp}/gammatop-bench.XXXXXX")
SIM=""
trap '[ -n "$SIM" ] && kill $SIM 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT INT TERM

"$GAMMATOP_SIM" --tls "$T/tls" --token bench-token \
	--generate "namespaces=50,gateways=4,services=$SERVICES,routes=$ROUTES" \
	--kubeconfig-out "$T/kc" >"$T/sim.out" 2>"$T/sim.err" &
SIM=$!
n=0
until grep -q 'serving' "$T/sim.out" 2>/dev/null; do
	n=$((n + 1)); [ $n -gt 600 ] && { cat "$T/sim.err" >&2; exit 2; }; sleep 0.1
done
echo "sim: $(cat "$T/sim.out") generating $ROUTES routes (HTTP + gRPC), $SERVICES Services (TLS, bearer token)"
echo "machine: $(nproc) CPU(s), $(uname -sr)"

# run LABEL CMD...: RUNS times; prints wall seconds and peak RSS of each run, then the best.
run() {
	label=$1; shift
	best_t=""; best_m=""
	i=0
	while [ $i -lt "$RUNS" ]; do
		i=$((i + 1))
		rm -rf "$T/kcache"
		command time -f "%e %M" -o "$T/time" "$@" >"$T/out" 2>"$T/err" ||
			{ echo "$label: failed:" >&2; tail -3 "$T/err" >&2; return; }
		read -r t m <"$T/time"
		echo "  $label run $i: ${t} s, peak RSS $((m / 1024)) MiB ($m KiB)"
		if [ -z "$best_t" ] || awk "BEGIN{exit !($t < $best_t)}"; then best_t=$t; fi
		if [ -z "$best_m" ] || [ "$m" -lt "$best_m" ]; then best_m=$m; fi
	done
	printf '%-58s best %6s s   peak RSS %4d MiB\n' "$label" "$best_t" $((best_m / 1024))
}

echo "gammatop: discovery + paginated LIST of all 7 kinds, decode into the store, WATCH started:"
run "gammatop watch --until-synced (all kinds)" \
	"$GAMMATOP" watch --kubeconfig "$T/kc" -o none --until-synced --stats
grep 'stats (synced)' "$T/err" | sed 's/^/  /'
if command -v kubectl >/dev/null; then
	echo "kubectl $(kubectl version --client 2>/dev/null | head -1) (fresh discovery cache each run):"
	run "kubectl get httproutes -A -o json" \
		kubectl --kubeconfig "$T/kc" --cache-dir "$T/kcache" get httproutes -A -o json
	run "kubectl get services -A -o json" \
		kubectl --kubeconfig "$T/kc" --cache-dir "$T/kcache" get services -A -o json
else
	echo "kubectl not installed: no comparison"
fi
