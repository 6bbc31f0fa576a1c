#!/bin/sh
# tests/bench/bench-soak.sh: the long soak. The console against `gammatop-sim --generate
# routes=10000,...` churning 200 routes/s, with telemetry on (scraped through the pod proxy),
# in a private tmux server (160x50), driven for SOAK_SECS (default 1800) by the same key
# script as tests/e2e/ui-soak.sh (tmux-lib.sh: soak_round) over every view. Every
# SAMPLE_SECS (default 30) it prints the console's resident memory (VmRSS), its CPU time
# (utime+stime from /proc/PID/stat), the frames drawn and topology rebuilds so far (the
# GAMMATOP_TIMINGS file: frame_us and topology_ms lines) and the sim's resourceVersion (one
# per change it made: the events the console had to apply). At the end: RSS of the first
# third of the samples against the last third, CPU per wall second, frames, rebuilds, events.
# Also the console's live counts at its last rebuild (objects: the store's plus those old
# topologies still hold; topos: topologies alive, at most two) and its heap (malloc's bytes
# in use, and free but held: fragmentation), from the same file; the resident size split
# into anonymous (the heap) and file-backed (the cache database SQLite maps).
# Events applied: the console's store generation (one per object added, replaced or deleted,
# from the timings file at each rebuild) beside the sim's count of changes made. Then q must exit 0. It prints figures; the one judgement is the exit
# status when the console died or q failed (1).
# Usage: GT_BUILDDIR=build GT_SRCDIR=. sh tests/bench/bench-soak.sh
#   SOAK_SECS=1800 SAMPLE_SECS=30 CHURN=200
#   GEN=namespaces=20,gateways=2,services=1000,routes=10000
#   KEEP=DIR keeps the samples, the timings file and the console's stderr.
GT_BUILDDIR=$(cd "${GT_BUILDDIR:-.}" && pwd) # absolute: the console runs in a directory of its own
. "${GT_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/tmux-lib.sh"
command -v curl >/dev/null 2>&1 || skip "curl not installed"
command -v jq >/dev/null 2>&1 || skip "jq not installed"
[ -x "$GAMMATOP" ] && [ -x "$GAMMATOP_SIM" ] || skip "build gammatop and gammatop-sim first (scripts/build)"

SECS=${SOAK_SECS:-1800}
SAMPLE=${SAMPLE_SECS:-30}
CHURN=${CHURN:-200}
GEN=${GEN:-namespaces=20,gateways=2,services=1000,routes=10000}
HZ=$(getconf CLK_TCK)
tmux_init bench-soak 180 # `*` on 10,000 routes may take long: wait generously
soak_init "$T/console.exit" "$T/san"
keep_files() { [ -n "${KEEP:-}" ] && cp "$T/samples" "$T/timings" "$T/console.err" "$KEEP"/ 2>/dev/null; return 0; }
trap 'keep_files; tmux_cleanup' EXIT

start_sim --generate "$GEN" --churn "$CHURN" --kubeconfig-out "$T/kc"
# a route rule the edit form can open, in a namespace that holds a part of the routes
curl -sS -f "$SIM_URL/apis/gateway.networking.k8s.io/v1/httproutes?limit=500" |
	jq -r '.items[] | select((.metadata.namespace | length) < 12 and (.metadata.name | length) < 16)
	       | "\(.metadata.namespace) \(.metadata.name)"' | head -n 1 > "$T/pick"
read -r NS ROUTE < "$T/pick" || fail "no HTTPRoute to edit in the generated world"
SOAK_TOP="GatewayClass gammatop"
SOAK_FILTER="$NS/"
SOAK_EDIT="^$NS +$ROUTE +0"
SOAK_NS=$NS

cat > "$T/console.sh" <<EOF
#!/bin/sh
cd "$T"
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}:log_path=$T/san" \
UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}:log_path=$T/san" \
GAMMATOP_TIMINGS="$T/timings" XDG_CACHE_HOME="$T/cache" TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
	"$GAMMATOP" console --kubeconfig "$T/kc" 2>"$T/console.err"
echo "exit=\$?" > "$T/console.exit"
sleep 600
EOF
chmod +x "$T/console.sh"
launch=$(date +%s)
$TMUX_CMD new-session -d -x 160 -y 50 "$T/console.sh" || fail "cannot start tmux"
soak_pid
see "API synced" "first sync" 120
see "telemetry OK" "telemetry through the pod proxy" 120

rv() { curl -sS -f "$SIM_URL/sim/v1/status" | jq -r .resourceVersion; }
count() { grep -c "^$1 " "$T/timings" 2>/dev/null || echo 0; }
last() { awk -v k="$1" '$1 == k { v = $2 } END { print v == "" ? "?" : v }' "$T/timings" 2>/dev/null; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null; }
RV0=$(rv)
F0=$(count frame_us)
B0=$(count topology_ms)
G0=$(last store_generation | sed 's/?/0/')
SIM_T0=$(cpu_ticks "$SIM_PID")
echo "world: $GEN, churn $CHURN/s; console pid $SOAK_PID synced and scraping $(( $(date +%s) - launch )) s after launch"
echo "edit form on httproute $NS/$ROUTE; :ns $NS"
printf '%6s %9s %8s %8s %9s %8s %7s %9s %9s %8s %6s %9s %9s %9s\n' t_s rss_MiB anon_MiB file_MiB cpu_s cpu_% frames rebuilds events objects topos heap_MiB hfree_MiB applied
sampler() {
	_t0=$(date +%s)
	_c0=$(cpu_ticks "$SOAK_PID")
	while kill -0 "$SOAK_PID" 2>/dev/null; do
		_now=$(date +%s)
		_rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$SOAK_PID/status" 2>/dev/null)
		_anon=$(awk '/^RssAnon:/ {print $2}' "/proc/$SOAK_PID/status" 2>/dev/null)
		_file=$(awk '/^RssFile:/ {print $2}' "/proc/$SOAK_PID/status" 2>/dev/null)
		_c=$(cpu_ticks "$SOAK_PID")
		[ -n "$_rss" ] && [ -n "$_c" ] || break
		_ev=$(( $(rv) - RV0 ))
		_el=$((_now - _t0))
		awk -v t="$_el" -v r="$_rss" -v c="$_c" -v c0="$_c0" -v hz="$HZ" -v f="$(( $(count frame_us) - F0 ))" \
			-v b="$(( $(count topology_ms) - B0 ))" -v e="$_ev" -v o="$(last live_objects)" \
			-v tp="$(last live_topologies)" -v an="${_anon:-0}" -v fi="${_file:-0}" \
			-v hu="$(last heap_used_kib)" -v hf="$(last heap_free_kib)" \
			-v ap="$(( $(last store_generation | sed 's/?/0/') - G0 ))" 'BEGIN {
			printf "%6d %9.1f %8.1f %8.1f %9.1f %8.1f %7d %9d %9d %8s %6s %9s %9s %9d\n", t, r / 1024, an / 1024, fi / 1024, c / hz, t ? 100 * (c - c0) / hz / t : 0, f, b, e, o, tp, hu == "?" ? "?" : sprintf("%.1f", hu / 1024), hf == "?" ? "?" : sprintf("%.1f", hf / 1024), ap }' |
			tee -a "$T/samples"
		sleep "$SAMPLE"
	done
}
: > "$T/samples"
sampler &
gt_track $!

start=$(date +%s)
rounds=0
while [ $(( $(date +%s) - start )) -lt "$SECS" ]; do
	soak_round
	rounds=$((rounds + 1))
done
elapsed=$(( $(date +%s) - start ))
# one last sample, then the summary
c_end=$(cpu_ticks "$SOAK_PID")
sim_end=$(cpu_ticks "$SIM_PID")
rss_end=$(awk '/^VmRSS:/ {print $2}' "/proc/$SOAK_PID/status")
hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$SOAK_PID/status")
events=$(( $(rv) - RV0 ))
applied=$(( $(last store_generation | sed 's/?/0/') - G0 ))
frames=$(( $(count frame_us) - F0 ))
rebuilds=$(( $(count topology_ms) - B0 ))
keys Escape Escape Escape 1
see "TOPOLOGY" "before quitting"
keys q
wait_for "test -f '$T/console.exit'" 30 || fail "q did not quit"
status=$(cat "$T/console.exit")

echo "---- $rounds key-script rounds in $elapsed s"
awk -v end="$rss_end" -v hwm="$hwm" '{ r[n++] = $2 } END {
	k = int(n / 3); if (k < 1) { print "RSS: too few samples"; exit }
	for (i = 0; i < k; i++) { a += r[i]; b += r[n - k + i] }
	a /= k; b /= k
	printf "RSS: first third of the samples %.1f MiB, last third %.1f MiB (%+.1f%%); at the end %.1f MiB, peak (VmHWM) %.1f MiB\n", a, b, 100 * (b - a) / a, end / 1024, hwm / 1024
	printf "RSS over time: %s\n", (b - a) / a < 0.05 ? "flat (the last third within 5% of the first)" : "GROWING (the last third more than 5% above the first)" }' "$T/samples"
awk 'BEGIN { n = 0 } { an[n] = $3; fi[n] = $4; hu[n] = $12; hf[n++] = $13 } END {
	k = int(n / 3); if (k < 1) exit
	for (i = 0; i < k; i++) { a += an[i]; b += an[n - k + i]; fa += fi[i]; fb += fi[n - k + i]; ha += hu[i]; hb += hu[n - k + i]; ga += hf[i]; gb += hf[n - k + i] }
	printf "of which anonymous (the heap) %.1f -> %.1f MiB, file-backed (the cache database mapped by SQLite, mmap_size) %.1f -> %.1f MiB\n", a / k, b / k, fa / k, fb / k
	printf "malloc: in use %.1f -> %.1f MiB, free but held %.1f -> %.1f MiB (first third -> last third)\n", ha / k, hb / k, ga / k, gb / k }' "$T/samples"
awk -v c="$c_end" -v s="$sim_end" -v s0="$SIM_T0" -v hz="$HZ" -v t="$(( $(date +%s) - launch ))" -v w="$elapsed" 'BEGIN {
	printf "CPU: console %.1f s (utime+stime) over %d s since launch (%.1f%% of one core); the sim %.1f s over the soak\n", c / hz, t, 100 * c / hz / t, (s - s0) / hz }'
echo "events: the sim made $events changes during the soak ($(awk -v e="$events" -v w="$elapsed" 'BEGIN {printf "%.0f", e / w}')/s); the console applied $applied to its store (its generation at the last rebuild: one per object added, replaced or deleted)"
echo "frames drawn: $frames; topology rebuilds: $rebuilds"
echo "q: $status"
if [ -n "$(soak_reports)" ]; then soak_reports; fail "sanitizer report"; fi
[ "$status" = exit=0 ] || fail "q: $status"
exit 0
