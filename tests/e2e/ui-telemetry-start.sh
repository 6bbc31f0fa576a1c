#!/bin/sh
# tests/e2e/ui-telemetry-start.sh: the console's telemetry header never cries wolf: against
# the demo sim (mesh proxies scraped through the pod proxy), from the first frame until
# "telemetry OK", and again after ctrl-r (which starts telemetry anew), the header never says
# "telemetry failing" (issue 10: a red "failing: no pods to scrape" for 10-15 s, because
# the first scrape ran before the first pod list had answered). The screen is read every
# 0.1 s in a private tmux server (200 columns: the whole header fits). Bounded in time; the
# tmux server and the sim are always stopped.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/tmux-lib.sh"
[ -x "$GAMMATOP" ] || skip "no gammatop binary at $GAMMATOP"
[ -x "$GAMMATOP_SIM" ] || skip "no gammatop-sim binary at $GAMMATOP_SIM"

tmux_init ui-telemetry-start 30
start_sim --demo --kubeconfig-out "$T/kubeconfig"
cat > "$T/console.sh" <<EOF
#!/bin/sh
XDG_CACHE_HOME="$T/cache" TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 "$GAMMATOP" console --kubeconfig "$T/kubeconfig" 2>"$T/console.err"
echo "exit=\$?" > "$T/console.exit"
sleep 60
EOF
chmod +x "$T/console.sh"

# The telemetry part of the header on the last screen read.
tel() { head -n 1 "$T/screen" | grep -o "telemetry [^)]*)" | head -n 1; }

# Read the header every 0.1 s until it says "telemetry OK" and differs from $3 (at most $1
# s); fail on the first screen that says "telemetry failing". $SEEN: screens read.
watch_header() {
	_n=$(( $1 * 10 ))
	SEEN=0
	while [ "$_n" -gt 0 ]; do
		$TMUX_CMD capture-pane -p > "$T/screen" 2>/dev/null
		SEEN=$((SEEN + 1))
		if grep -q "telemetry failing" "$T/screen"; then
			cat "$T/screen" >&2
			fail "$2: the header said 'telemetry failing' before telemetry was OK"
		fi
		if grep -q "telemetry OK" "$T/screen" && [ "$(tel)" != "$3" ]; then
			return 0
		fi
		sleep 0.1
		_n=$((_n - 1))
	done
	cat "$T/screen" >&2
	fail "$2: telemetry never became OK"
}

$TMUX_CMD new-session -d -x 200 -y 30 "$T/console.sh" || fail "cannot start tmux"
watch_header 60 "at start" ""
ok "at start: no false 'telemetry failing' ($SEEN screens) before 'telemetry OK'"

# ctrl-r reconnects and starts telemetry anew: the header goes through it again, until a
# new "telemetry OK (... HH:MM:SS)" (a second later than the first one at least).
sleep 1.5
cap
before=$(tel)
$TMUX_CMD send-keys C-r
watch_header 60 "after ctrl-r" "$before"
ok "after ctrl-r: no false 'telemetry failing' ($SEEN screens) before 'telemetry OK'"

keys q
wait_for "test -f '$T/console.exit'" 10 || fail "q did not quit"
grep -q "exit=0" "$T/console.exit" || fail "console: $(cat "$T/console.exit")"
if grep -q "Sanitizer" "$T/console.err"; then cat "$T/console.err" >&2; fail "sanitizer report"; fi
exit 0
