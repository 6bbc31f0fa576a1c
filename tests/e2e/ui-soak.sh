#!/bin/sh
# tests/e2e/ui-soak.sh: the console (the suite's ASan/UBSan build) on a busy cluster for about
# two minutes (GT_SOAK_SECS, default 120): `gammatop-sim --demo --churn 50` with telemetry on
# (the sim's mesh metrics, scraped by the console through the pod proxy), driven round after
# round by a tmux key script over every view (tmux-lib.sh: soak_round), each screen checked.
# Between rounds, in turn: the sim drops every watch; the sim forgets its history (every
# open watch ends with 410 Expired: the console must list again); the sim is stopped (the
# console shows the last known state as stale while a round runs) and started again from its
# saved state on the same port (the console reconnects by itself); a quiet round. It ends with
# no sanitizer report (reports go to $T/san.PID; the console's and the sims' stderr are
# searched too) and `q` exiting 0. Bounded in time; the tmux server and the sims are always
# stopped. GT_CAPTURE_DIR=DIR keeps the last screen of each fault; GT_SOAK_CHURN changes the
# churn rate (routes per second, default 50).
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/tmux-lib.sh"
command -v curl >/dev/null 2>&1 || skip "curl not installed"
[ -x "$GAMMATOP" ] || skip "no gammatop binary at $GAMMATOP"
[ -x "$GAMMATOP_SIM" ] || skip "no gammatop-sim binary at $GAMMATOP_SIM"

SECS=${GT_SOAK_SECS:-120}
CHURN=${GT_SOAK_CHURN:-50}
tmux_init ui-soak 30
soak_init "$T/console.exit" "$T/san"
SOAK_TOP="GatewayClass gammatop"
SOAK_FILTER="storefront"
SOAK_EDIT="^inventory +inventory +0"
SOAK_NS="shop"

start_sim --demo --churn $CHURN --state "$T/sim.state" --kubeconfig-out "$T/kc"
PORT=${SIM_URL##*:}
admin() { curl -sS -f -X POST "$SIM_URL/sim/v1/$1" >/dev/null || fail "sim admin $1"; }
curl -sS -f -o "$T/metrics" "$SIM_METRICS_URL" && grep -q "request_statuses_total{" "$T/metrics" || fail "the sim serves no mesh metrics"

# Sanitizer reports go to files of their own, whatever the console does with stderr.
cat > "$T/console.sh" <<EOF
#!/bin/sh
cd "$T"
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}:log_path=$T/san" \
UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}:log_path=$T/san" \
XDG_CACHE_HOME="$T/cache" TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
	"$GAMMATOP" console --kubeconfig "$T/kc" --log "$T/console.log" 2>"$T/console.err"
echo "exit=\$?" > "$T/console.exit"
sleep 300
EOF
chmod +x "$T/console.sh"
$TMUX_CMD new-session -d -x 140 -y 45 "$T/console.sh" || fail "cannot start tmux"
soak_pid
see "API synced" "first sync"
see "$SOAK_TOP" "first frame"
see "telemetry OK" "telemetry through the pod proxy" 60
ok "console synced, telemetry OK, the sim churning $CHURN routes/s"

expired() { grep -c "watch expired (410)" "$T/console.log" 2>/dev/null || true; }
shot() { cp "$T/screen" "$T/capture-$1.txt"; [ -n "${GT_CAPTURE_DIR:-}" ] && cp "$T/screen" "$GT_CAPTURE_DIR/ui-soak-$1.txt"; return 0; }
start=$(date +%s)
round=0 drops=0 expiries=0 restarts=0
while [ $(( $(date +%s) - start )) -lt "$SECS" ] || [ $round -lt 4 ]; do
	round=$((round + 1))
	soak_round
	case $((round % 4)) in
	1)	admin drop-watches
		drops=$((drops + 1))
		see "API synced" "after the watches were dropped"
		shot drop
		ok "round $round, then the watches dropped" ;;
	2)	before=$(expired)
		admin expire
		expiries=$((expiries + 1))
		wait_for "[ \$(expired) -gt $before ]" 30 ||
			{ soak_alive "waiting for a 410"; fail "no 'watch expired (410)' in the console's log after the history expired"; }
		see "API synced" "listed again after 410 Expired"
		shot expire
		ok "round $round, then the history expired: the console listed again after 410 ($(expired) so far)" ;;
	3)	stop_sim || fail "the sim did not stop cleanly"
		[ -s "$T/sim.state" ] || fail "the sim saved no state"
		see "API reconnecting since" "stale after the sim stopped"
		see "$SOAK_TOP" "the last known state kept"
		shot stale
		soak_round # the whole key script on the stale state
		start_sim --demo --churn $CHURN --state "$T/sim.state" --port "$PORT"
		restarts=$((restarts + 1))
		see "API synced" "reconnected after the sim restarted" 60
		shot restarted
		ok "round $round, then the sim stopped (a round on the stale state) and restarted on port $PORT" ;;
	*)	ok "round $round" ;;
	esac
done
see "telemetry OK" "telemetry after the faults" 60
elapsed=$(( $(date +%s) - start ))

keys Escape Escape Escape 1
see "TOPOLOGY" "before quitting"
keys q
wait_for "test -f '$T/console.exit'" 20 || fail "q did not quit"
status=$(cat "$T/console.exit")
if [ -n "$(soak_reports)" ]; then soak_reports >&2; fail "sanitizer report ($status)"; fi
[ "$status" = exit=0 ] || { cat "$T/console.err" >&2; fail "q: $status"; }
for f in "$T/console.err" "$T"/sim*.err; do
	if grep -q "Sanitizer\|runtime error" "$f"; then cat "$f" >&2; fail "sanitizer report in $f"; fi
done
ok "$round rounds in $elapsed s (drops $drops, history expired $expiries, sim restarts $restarts, 410s seen $(expired)); no sanitizer report, q exited 0"
if [ -n "${GT_CAPTURE_DIR:-}" ]; then cp "$T"/capture-*.txt "$GT_CAPTURE_DIR/" 2>/dev/null; fi
exit 0
