#!/bin/sh
# bench-journal.sh: the change journal under churn: `gammatop watch` records 10,000 routes
# (and 10,000 Services) of a sim that changes CHURN routes a second, for DURATION.
# Prints the journal's write cost per change (time inside its one transaction per loop turn,
# and the watch process's CPU per change), its size after the run (rows, stored bytes, the
# cache file), and the time of `changes --since 1h` (the whole timeline, and one route's) and
# of `snapshot --at` (the state in the middle of the churn rebuilt from the journal) on that
# cache.
# Asserts nothing. Usage: tests/bench/bench-journal.sh [BUILDDIR] (default .)
# Environment: ROUTES (default 10000), SERVICES (default 10000), CHURN (changes/s, default
# 200), DURATION (default 10m), KEEP=DIR keeps the cache and logs. Needs jq.
set -u
B=${1:-.}
GAMMATOP=${GAMMATOP:-$B/src/gammatop}
GAMMATOP_SIM=${GAMMATOP_SIM:-$B/src/gammatop-sim}
ROUTES=${ROUTES:-10000}
SERVICES=${SERVICES:-10000}
CHURN=${CHURN:-200}
DURATION=${DURATION:-10m}
[ -x "$GAMMATOP" ] && [ -x "$GAMMATOP_SIM" ] || { echo "build gammatop and gammatop-sim first" >&2; exit 2; }
command time -f %M true >/dev/null 2>&1 || { echo "needs GNU time (command time -f)" >&2; exit 2; }
command -v jq >/dev/null || { echo "needs jq" >&2; exit 2; }

T=${KEEP:-$(mktemp -d "${TMPDIR:-/tmp}/gammatop-bench.XXXXXX")}
mkdir -p "$T"
SIM=""
cleanup() {
	[ -n "$SIM" ] && kill "$SIM" 2>/dev/null
	wait 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT INT TERM

"$GAMMATOP_SIM" --port 0 --metrics-port 0 \
	--generate "namespaces=50,gateways=4,services=$SERVICES,routes=$ROUTES" \
	--kubeconfig-out "$T/kc" >"$T/sim.out" 2>"$T/sim.err" &
SIM=$!
n=0
until grep -q 'serving' "$T/sim.out" 2>/dev/null; do
	n=$((n + 1)); [ $n -gt 600 ] && { cat "$T/sim.err" >&2; exit 2; }; sleep 0.1
done
URL=$(sed -n 's/^gammatop-sim: serving \([^ ]*\).*/\1/p' "$T/sim.out")
echo "sim: $ROUTES routes, $SERVICES Services; churn $CHURN/s for $DURATION"
echo "machine: $(nproc) CPU(s), $(uname -sr)"
G() { "$GAMMATOP" "$@" --kubeconfig "$T/kc" --cache "$T/cache.db"; }

# First sight of every object (the journal's full forms), then the churn while recording.
command time -f "%e %U %S %M" -o "$T/first.time" "$GAMMATOP" watch --kubeconfig "$T/kc" \
	--cache "$T/cache.db" -o none --until-synced --stats >/dev/null 2>"$T/first.err"
read -r wall user sys rss <"$T/first.time"
echo "first sight (list of everything, journal's full forms): ${wall} s wall, $user s user + $sys s sys, peak RSS $((rss / 1024)) MiB"
grep -o 'journal: .*' "$T/first.err" | tail -1 | sed 's/^/  /'

curl -s -X POST "$URL/sim/v1/churn?rate=$CHURN" >/dev/null
start=$(date +%s)
command time -f "%e %U %S %M" -o "$T/watch.time" "$GAMMATOP" watch --kubeconfig "$T/kc" \
	--cache "$T/cache.db" -o none --for "$DURATION" --stats >/dev/null 2>"$T/watch.err"
curl -s -X POST "$URL/sim/v1/churn?rate=0" >/dev/null
end=$(date +%s)
AT=$(date -u -d "@$(( (start + end) / 2 ))" +%Y-%m-%dT%H:%M:%SZ) # mid-churn
read -r wall user sys rss <"$T/watch.time"
line=$(grep -o 'journal: .*' "$T/watch.err" | tail -1)
echo "recording $DURATION of churn: ${wall} s wall, $user s user + $sys s sys, peak RSS $((rss / 1024)) MiB"
echo "  $line"
set -- $(echo "$line" | sed -n 's/.* \([0-9]*\) rows (\([0-9]*\) changes), \([0-9]*\) bytes, \([0-9]*\) flushes, \([0-9.]*\) ms writing (\([0-9.]*\) ms CPU).*/\1 \2 \3 \4 \5 \6/p')
if [ $# -eq 6 ] && [ "$2" -gt 0 ]; then
	awk -v rows="$1" -v ch="$2" -v bytes="$3" -v fl="$4" -v ms="$5" -v cpu="$6" -v u="$user" -v s="$sys" 'BEGIN {
		printf "  write cost per change: %.3f ms CPU in the journal (%.3f ms wall; %d transactions of %.1f changes), %.3f ms CPU for the whole watch (list/watch, decode, journal); %.0f bytes stored\n", cpu / ch, ms / ch, fl, ch / fl, (u + s) * 1000 / ch, bytes / ch }'
fi

sz() { [ -f "$1" ] && stat -c %s "$1" || echo 0; }
db=$(sz "$T/cache.db"); wal=$(sz "$T/cache.db-wal")
echo "size after $DURATION: cache file $((db / 1048576)) MiB (+ WAL $((wal / 1048576)) MiB)"
if command -v sqlite3 >/dev/null 2>&1; then
	sqlite3 "$T/cache.db" "SELECT 'journal rows ' || count(*) || ', stored text ' || (sum(bytes) / 1048576) || ' MiB, timeline rows ' || sum(type IN ('added','modified','deleted')) FROM journal;
		SELECT 'heads ' || count(*) || ' (' || (sum(length(doc)) / 1048576) || ' MiB)' FROM journal_head;" 2>/dev/null |
		sed 's/^/  /'
fi

# best LABEL CMD...: 3 runs; the best wall time, its CPU time (user + sys: on a shared machine
# wall time includes waiting for a CPU) and the peak RSS.
best() {
	label=$1; shift
	bt=""; bc=""; bm=""
	for i in 1 2 3; do
		command time -f "%e %U %S %M" -o "$T/q.time" "$@" >"$T/q.out" 2>"$T/q.err" ||
			{ echo "$label: failed: $(tail -2 "$T/q.err")" >&2; return; }
		read -r t u s m <"$T/q.time"
		c=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
		if [ -z "$bt" ] || awk "BEGIN{exit !($t < $bt)}"; then bt=$t; fi
		if [ -z "$bc" ] || awk "BEGIN{exit !($c < $bc)}"; then bc=$c; fi
		if [ -z "$bm" ] || [ "$m" -lt "$bm" ]; then bm=$m; fi
	done
	printf '  %-52s best %6s s wall, %5s s CPU, peak RSS %4d MiB (%s lines)\n' "$label" "$bt" \
		"$bc" $((bm / 1024)) "$(wc -l <"$T/q.out")"
}
route=$(G changes --since 1h --no-events --limit 1 -o json 2>/dev/null |
	jq -r '.items[0].object | select(.kind == "HTTPRoute") | "\(.namespace)/\(.name)"')
echo "queries on that cache:"
best "changes --since 1h (everything)" "$GAMMATOP" changes --since 1h --no-events \
	--kubeconfig "$T/kc" --cache "$T/cache.db"
[ -n "$route" ] && best "changes $route --since 1h" "$GAMMATOP" changes "$route" --since 1h \
	--no-events --kubeconfig "$T/kc" --cache "$T/cache.db"
best "snapshot --at $AT (mid-churn, from the journal)" "$GAMMATOP" snapshot --at "$AT" \
	--kubeconfig "$T/kc" --cache "$T/cache.db"
[ -n "$route" ] && best "changes --suspects $route" "$GAMMATOP" changes --suspects "$route" \
	--kubeconfig "$T/kc" --cache "$T/cache.db"
