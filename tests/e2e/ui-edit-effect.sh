#!/bin/sh
# tests/e2e/ui-edit-effect.sh: the issue's last check, from the console. `gammatop demo`
# (telemetry by direct scrape, --window 1m) in a private tmux server: inventory's 300ms
# request timeout cuts about a third of its requests; raise it to 2s with the inline form
# (e, dry-run, y) and the form's telemetry line (the last minute of samples in the cache)
# shows its timeout share falling within a minute or so of the apply. Takes ~2.5 minutes;
# bounded; the tmux server is always killed. GT_CAPTURE_DIR=DIR keeps the captures.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/tmux-lib.sh"
[ -x "$GAMMATOP" ] || skip "no gammatop binary at $GAMMATOP"
[ -x "$GAMMATOP_SIM" ] || skip "gammatop-sim not built"

tmux_init ui-edit-effect 15

cat > "$T/run.sh" <<EOF
#!/bin/sh
cd "$T"
TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 TMPDIR="$T" \
  "$GAMMATOP" demo --sim "$GAMMATOP_SIM" --window 1m 2>"$T/stderr"
echo "exit=\$?" > "$T/exit"
sleep 300
EOF
chmod +x "$T/run.sh"
$TMUX_CMD new-session -d -x 170 -y 45 "$T/run.sh" || fail "cannot start tmux"

# The timeout share on the form's telemetry line (the line may wrap: join the panel first).
share() {
	tr -d '\n' < "$T/screen" | tr -s ' ' |
		sed -n 's|.*httproute/inventory/inventory: [0-9]* requests, \([0-9.]*\)% timed out.*|\1|p'
}
# Open the form on inventory's rule and read the telemetry line.
form_share() {
	keys e
	expect "edit httproute/inventory/inventory rule 0" "form"
	wait_for "$TMUX_CMD capture-pane -p | tr -d '\n' | grep -q 'inventory/inventory: [0-9]* requests'" 5 || true
	cap
}

expect "telemetry OK" "telemetry" 60
keys 2
keys / "^inventory +inventory +0" Enter
# Two scrape rounds give the first figures.
wait_for "$TMUX_CMD capture-pane -p | grep -Eq '^inventory +inventory +0 .*%'" 60 ||
	{ cap; cat "$T/screen"; fail "no figures for inventory"; }
cap
keep routes-before
form_share
before=$(share)
[ -n "$before" ] || { cat "$T/screen"; fail "no telemetry line in the form"; }
awk -v r="$before" 'BEGIN { exit !(r > 10) }' || fail "inventory times out only $before% before the change"
keep form-before
ok "before: $before% of inventory's requests timed out (last 1m)"

keys C-u 2s
expect "+      request: 2s" "diff"
keys Enter
expect "dry-run passed" "dry-run"
keep verdict
keys y
expect "applied httproute/inventory/inventory rule 0" "apply"
start=$(date +%s)
keep applied
ok "applied 2s from the console"

# Every 15 s (one scrape round), open the form again and read the last minute's share.
after=""
while [ $(( $(date +%s) - start )) -lt 120 ]; do
	sleep 15
	form_share
	after=$(share)
	took=$(( $(date +%s) - start ))
	echo "  +${took}s: ${after:-?}% timed out (last 1m)"
	keep form-after
	keys Escape # close the form (the routes view keeps its filter)
	[ -z "${halved:-}" ] && [ -n "$after" ] &&
		awk -v a="$after" -v b="$before" 'BEGIN { exit !(a < b / 2) }' && halved=$took
	[ -n "$after" ] && awk -v a="$after" -v b="$before" 'BEGIN { exit !(a < b / 4) }' && break
done
[ -n "${halved:-}" ] && [ "$halved" -le 65 ] ||
	fail "the timeout share did not halve within a minute of the apply (${halved:-never})"
[ -n "$after" ] && awk -v a="$after" -v b="$before" 'BEGIN { exit !(a < b / 4) }' ||
	fail "the timeout share did not fall: $before% -> ${after:-?}%"
ok "inventory's timeout share fell $before% -> $after% (last 1m of samples): halved ${halved}s, $after% ${took}s after the apply"
keys q
wait_for "[ -f '$T/exit' ]" 15 || fail "q did not quit the demo"
exit 0
