#!/bin/sh
# tests/bench/bench-console.sh: the console against `gammatop-sim --generate routes=N`
# (default 10,000) in a private tmux server (200x50). Prints measured figures: time to first
# frame and to fully synced (from process start), topology rebuild and view rebuild times, the
# draw time of frames of the routes view (N route rules), CPU used while idle over 5 s (from
# /proc/PID/stat), and peak memory (VmHWM). No thresholds: it reports, it does not judge.
# A second start then measures the first frame with the topology from the cache.
# Usage: GT_BUILDDIR=build GT_SRCDIR=. sh tests/bench/bench-console.sh [ROUTES]
# KEEP=DIR keeps the timings files and the cache of the run in DIR.
set -u
: "${GT_BUILDDIR:=$(pwd)}" "${GT_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${GAMMATOP:=$GT_BUILDDIR/src/gammatop}" "${GAMMATOP_SIM:=$GT_BUILDDIR/src/gammatop-sim}"
ROUTES=${1:-10000}
command -v tmux >/dev/null 2>&1 || { echo "SKIP: tmux is not installed"; exit 77; }
[ -x "$GAMMATOP" ] && [ -x "$GAMMATOP_SIM" ] || { echo "SKIP: build gammatop and gammatop-sim first"; exit 77; }

T=$(mktemp -d "${TMPDIR:-/tmp}/gammatop-bench.XXXXXX")
SOCK="gt-bench-$$"
SIM_PID=""
cleanup() {
	tmux -L "$SOCK" kill-server 2>/dev/null
	[ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
	[ -n "${KEEP:-}" ] && cp -r "$T"/timings* "$T"/cache "$KEEP"/ 2>/dev/null; rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

"$GAMMATOP_SIM" --port 0 --generate "routes=$ROUTES" --kubeconfig-out "$T/kubeconfig" \
	>"$T/sim.out" 2>"$T/sim.err" &
SIM_PID=$!
n=0
until grep -q '^gammatop-sim: serving' "$T/sim.out" 2>/dev/null; do
	n=$((n + 1)); [ $n -gt 600 ] && { cat "$T/sim.err"; echo "sim did not start"; exit 1; }
	sleep 0.1
done

ms_now() { date +%s%3N; }
cat > "$T/run.sh" <<EOF
#!/bin/sh
echo \$\$ > "$T/pid"
XDG_CACHE_HOME="$T/cache" GAMMATOP_TIMINGS="\$1" TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
	exec "$GAMMATOP" console --kubeconfig "$T/kubeconfig" --no-telemetry 2>"$T/err"
EOF
chmod +x "$T/run.sh"
START=$(ms_now)
tmux -L "$SOCK" -f /dev/null new-session -d -x 200 -y 50 "$T/run.sh $T/timings"
n=0
until grep -q '^synced_ms' "$T/timings" 2>/dev/null; do
	n=$((n + 1)); [ $n -gt 1200 ] && { tmux -L "$SOCK" capture-pane -p; echo "never synced"; exit 1; }
	sleep 0.1
done
PID=$(cat "$T/pid")
sleep 1
first_wall=$(awk '$1 == "first_frame_ms" {print $3; exit}' "$T/timings")
synced_wall=$(awk '$1 == "synced_ms" {print $3; exit}' "$T/timings")
echo "routes generated:          $ROUTES"
echo "time to first frame:       $((first_wall - START)) ms (from launch; empty store, no cache yet)"
echo "time to fully synced:      $((synced_wall - START)) ms (from launch, all kinds listed)"
awk '$1 == "topology_ms" {n++; s += $2; if ($2 > m) m = $2} END {printf "topology rebuild:          %d rebuilds, mean %.1f ms, max %d ms\n", n, s / n, m}' "$T/timings"

# The routes view: one row per route rule.
: > "$T/timings.routes"
tmux -L "$SOCK" send-keys 2; sleep 1.5
tmux -L "$SOCK" capture-pane -p | sed -n 2p
mark=$(wc -l < "$T/timings")
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	tmux -L "$SOCK" send-keys j; sleep 0.05
done
tmux -L "$SOCK" send-keys G; sleep 0.3
tmux -L "$SOCK" send-keys g; sleep 0.3
tmux -L "$SOCK" send-keys PageDown; sleep 0.3
tail -n +"$((mark + 1))" "$T/timings" > "$T/timings.routes"
# Lint runs when a view shows findings (the routes view's detail, the findings view).
awk '$1 == "lint_ms" {n++; s += $2; if ($2 > m) m = $2} END {if (n) printf "lint (on demand):          %d runs, mean %.1f ms, max %d ms\n", n, s / n, m}' "$T/timings"
awk '$1 == "rebuild_us" {printf "routes view rebuild:       %.1f ms (all rows built, sorted)\n", $2 / 1000}' "$T/timings" | tail -1
awk '$1 == "frame_us" {n++; s += $2; if ($2 > m) m = $2} END {if (n) printf "frame draw (routes view):  %d frames, mean %.2f ms, max %.2f ms\n", n, s / n / 1000, m / 1000}' "$T/timings.routes"

# Idle: nothing typed, nothing changing (the generated world has no churn).
sleep 1
t0=$(awk '{print $14 + $15}' "/proc/$PID/stat")
sleep 5
t1=$(awk '{print $14 + $15}' "/proc/$PID/stat")
HZ=$(getconf CLK_TCK)
echo "idle CPU over 5 s:         $(( (t1 - t0) * 1000 / HZ )) ms of CPU ($(( (t1 - t0) * 100 / HZ / 5 ))%)"
echo "peak memory (VmHWM):       $(awk '/VmHWM/ {print $2, $3}' "/proc/$PID/status")"
echo "frames drawn in total:     $(grep -c '^frame_us' "$T/timings")"
tmux -L "$SOCK" send-keys q
sleep 2

# Second start: the topology of the first run comes from the cache.
START=$(ms_now)
tmux -L "$SOCK" -f /dev/null new-session -d -x 200 -y 50 "$T/run.sh $T/timings2"
n=0
until grep -q '^synced_ms' "$T/timings2" 2>/dev/null; do
	n=$((n + 1)); [ $n -gt 1200 ] && { echo "second run never synced"; exit 1; }
	sleep 0.1
done
first_wall=$(awk '$1 == "first_frame_ms" {print $3; exit}' "$T/timings2")
synced_wall=$(awk '$1 == "synced_ms" {print $3; exit}' "$T/timings2")
loaded=$(awk '$1 == "cache_loaded" {print $2, $3; exit}' "$T/timings2")
echo "second start, with cache:  first frame $((first_wall - START)) ms"
if [ -n "$loaded" ]; then
	echo "  cached topology loaded:  ${loaded%% *} objects at $(( ${loaded##* } - START )) ms (before the first frame)"
	awk '$1 == "cache_load_ms" {l = $2} $1 == "topology_ms" && !t {t = $2} $1 == "rebuild_us" && !r {r = $2}
	     END {printf "  of which: loading %d ms, topology %d ms, view rebuild %.1f ms\n", l, t, r / 1000}' "$T/timings2"
else
	echo "  cached topology:         the live list came first"
fi
echo "  fully synced:            $((synced_wall - START)) ms"
tmux -L "$SOCK" send-keys q
sleep 0.5
