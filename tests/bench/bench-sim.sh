#!/bin/sh
# bench-sim.sh: how fast gammatop-sim starts with a large generated world and serves it.
# Prints the time to the ready line, the time of a full paginated LIST of the routes
# (limit=500, as client-go pages), of a watch replaying the history, and the sim's memory.
# Run by hand (figures, no assertions):
#   GAMMATOP_SIM=build/src/gammatop-sim sh tests/bench/bench-sim.sh [ROUTES] [SERVICES]
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

SPEC="namespaces=50,gateways=4,services=$SERVICES,routes=$ROUTES,seed=1"
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

list_all() { # list_all RESOURCE-PATH: pages of 500; prints items
	TOK=""; ITEMS=0; PAGES=0
	while :; do
		curl -s "$URL$1?limit=500${TOK:+&continue=$TOK}" >"$T/page"
		ITEMS=$((ITEMS + $(jq '.items | length' "$T/page")))
		PAGES=$((PAGES + 1))
		TOK=$(jq -r '.metadata.continue // empty' "$T/page")
		[ -n "$TOK" ] || break
	done
}
for run in 1 2 3; do
	A=$(now_ms)
	list_all /apis/gateway.networking.k8s.io/v1/httproutes
	B=$(now_ms)
	echo "bench-sim: paginated LIST of $ITEMS HTTPRoutes ($PAGES pages of 500), run $run: $((B - A)) ms (client jq parsing included)"
done
A=$(now_ms)
TOK=""; PAGES=0
while :; do
	curl -s -o "$T/page" "$URL/apis/gateway.networking.k8s.io/v1/httproutes?limit=500${TOK:+&continue=$TOK}"
	PAGES=$((PAGES + 1))
	TOK=$(grep -o '"continue":"[^"]*"' "$T/page" | head -1 | cut -d'"' -f4)
	[ -n "$TOK" ] || break
done
B=$(now_ms)
echo "bench-sim: the same LIST, pages only fetched: $((B - A)) ms ($PAGES pages, $(wc -c <"$T/page") bytes in the last)"
A=$(now_ms)
curl -s -o "$T/all" "$URL/apis/gateway.networking.k8s.io/v1/httproutes"
B=$(now_ms)
echo "bench-sim: unpaginated LIST: $((B - A)) ms, $(wc -c <"$T/all") bytes"
A=$(now_ms)
list_all /api/v1/services
B=$(now_ms)
echo "bench-sim: paginated LIST of $ITEMS Services: $((B - A)) ms"
A=$(now_ms)
N=$(curl -sN "$URL/apis/gateway.networking.k8s.io/v1/httproutes?watch=1&timeoutSeconds=1" | wc -l)
B=$(now_ms)
echo "bench-sim: WATCH without resourceVersion ($N initial ADDED events, 1 s timeout): $((B - A)) ms"
RSS=$(awk '/^VmRSS/ {print $2 " " $3}' "/proc/$PID/status")
HWM=$(awk '/^VmHWM/ {print $2 " " $3}' "/proc/$PID/status")
echo "bench-sim: sim memory: VmRSS $RSS, peak VmHWM $HWM"
