#!/bin/sh
# bench-sim.sh: how fast gammatop-sim starts with a large generated world and serves it.
# Prints the time to the ready line, the time of a full paginated LIST of the routes
# (limit=500, as client-go pages), unpaginated lists, a watch sending the current state as
# events, the controller's work after a change (a gateway-bound route's PATCH: its status and
# every listener's attachedRoutes recounted), and the sim's memory (VmRSS and peak from /proc).
# Run by hand (figures, no assertions):
#   GAMMATOP_SIM=build/src/gammatop-sim sh tests/bench/bench-sim.sh [ROUTES] [SERVICES]
# MIX adds the v1.6 kinds to the generated world, e.g.
#   MIX=tlsroutes=2000,tcproutes=1000,udproutes=500,listenersets=50
# Use a build without sanitizers for meaningful figures.
set -u
: "${GT_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${GAMMATOP_SIM:=$(pwd)/src/gammatop-sim}"
ROUTES=${1:-10000}
SERVICES=${2:-10000}
command -v curl >/dev/null && command -v jq >/dev/null || { echo "bench-sim: needs curl and jq"; exit 77; }
[ -x "$GAMMATOP_SIM" ] || { echo "bench-sim: no $GAMMATOP_SIM (set GAMMATOP_SIM)"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/bench-sim.XXXXXX")
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$T"' EXIT
now_ms() { date +%s%3N; }

SPEC="routes=$ROUTES,services=$SERVICES${MIX:+,$MIX}"
T0=$(now_ms)
"$GAMMATOP_SIM" --port 0 --generate "$SPEC" >"$T/out" 2>"$T/err" &
PID=$!
while ! grep -q '^gammatop-sim: serving ' "$T/out" 2>/dev/null; do
	kill -0 "$PID" 2>/dev/null || { cat "$T/err"; exit 1; }
	sleep 0.01
done
T1=$(now_ms)
URL=$(sed -n 's/^gammatop-sim: serving \([^ ]*\).*/\1/p' "$T/out")
echo "bench-sim: --generate $SPEC"
echo "bench-sim: start to ready line: $((T1 - T0)) ms"

# list_all PATH: a full paginated LIST (limit=500) as a client pages it. Sets ITEMS, PAGES and
# SERVER_MS (sum of curl's time_total: request to last byte, for every page).
list_all() {
	TOK=""; ITEMS=0; PAGES=0; SERVER_MS=0
	while :; do
		_t=$(curl -s -o "$T/page" -w '%{time_total}' "$URL$1?limit=500${TOK:+&continue=$TOK}")
		SERVER_MS=$((SERVER_MS + $(echo "$_t" | awk '{print int($1 * 1000 + 0.5)}')))
		ITEMS=$((ITEMS + $(grep -o '"kind":"[A-Za-z]*Route"' "$T/page" | wc -l)))
		PAGES=$((PAGES + 1))
		# the list metadata comes before the items
		TOK=$(head -c 4096 "$T/page" | grep -o '"continue":"[^"]*"' | head -1 | cut -d'"' -f4)
		[ -n "$TOK" ] || break
	done
}
G=/apis/gateway.networking.k8s.io/v1
for run in 1 2 3; do
	A=$(now_ms)
	list_all $G/httproutes
	H_ITEMS=$ITEMS H_PAGES=$PAGES H_MS=$SERVER_MS
	list_all $G/grpcroutes
	B=$(now_ms)
	echo "bench-sim: paginated LIST (limit=500) of $((H_ITEMS + ITEMS)) routes ($H_ITEMS HTTPRoutes in $H_PAGES pages, $ITEMS GRPCRoutes in $PAGES), run $run: $((B - A)) ms wall, $((H_MS + SERVER_MS)) ms in curl requests"
done
A=$(now_ms)
curl -s -o "$T/all" "$URL$G/httproutes"
B=$(now_ms)
echo "bench-sim: unpaginated LIST of the HTTPRoutes: $((B - A)) ms, $(wc -c <"$T/all") bytes"
A=$(now_ms)
curl -s -o "$T/all" "$URL/api/v1/services"
B=$(now_ms)
echo "bench-sim: unpaginated LIST of $SERVICES Services: $((B - A)) ms, $(wc -c <"$T/all") bytes"
A=$(now_ms)
N=$(curl -sN "$URL$G/httproutes?watch=1&timeoutSeconds=1" | wc -l)
B=$(now_ms)
echo "bench-sim: WATCH without resourceVersion ($N initial ADDED events, 1 s timeout): $((B - A)) ms"
# a gateway-bound route's change: the controller writes its status and recounts every listener
R=$(curl -s "$URL$G/httproutes?limit=500" | jq -r '[.items[] | select(.spec.parentRefs[0].kind != "Service")][0] | .metadata.namespace + "/" + .metadata.name')
if [ -n "$R" ] && [ "$R" != "/" ]; then
	for run in 1 2 3; do
		A=$(now_ms)
		curl -s -o /dev/null -X PATCH -H 'Content-Type: application/merge-patch+json' \
			-d "{\"spec\":{\"hostnames\":[\"bench-$run.example.com\"]}}" "$URL$G/namespaces/${R%%/*}/httproutes/${R#*/}"
		B=$(now_ms)
		echo "bench-sim: PATCH of gateway-bound route $R (status + recount of all routes), run $run: $((B - A)) ms"
	done
fi
RSS=$(awk '/^VmRSS/ {print $2 " " $3}' "/proc/$PID/status")
HWM=$(awk '/^VmHWM/ {print $2 " " $3}' "/proc/$PID/status")
echo "bench-sim: sim memory: VmRSS $RSS, peak VmHWM $HWM"
