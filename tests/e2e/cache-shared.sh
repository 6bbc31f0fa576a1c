#!/bin/sh
# tests/e2e/cache-shared.sh: the cache is never rolled back by our own processes. A real
# console (private tmux server, telemetry on, its history view open) holds the cache while
# 20 `gammatop set --yes` processes each record a change in the same file; then the console
# writes (the topology it saves on quit) and quits. Every one of the 20 audit rows must
# still be there, the file must pass SQLite's integrity check, and the console must have
# seen the rows while it ran. (Before the fix the console's own second open of the file
# dropped its POSIX locks: sqlite.org/howtocorrupt.html section 2.2; a set then deleted the
# WAL as if it were the last user, and the console's final checkpoint wrote its stale pages
# over their rows: 0 rows left.) Bounded in time; the tmux server is always killed.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/tmux-lib.sh"
command -v jq >/dev/null 2>&1 || skip "jq not installed"
[ -x "$GAMMATOP" ] || skip "no gammatop binary at $GAMMATOP"
[ -x "$GAMMATOP_SIM" ] || skip "gammatop-sim not built"

tmux_init cache-shared 20
start_sim --demo --kubeconfig-out "$T/kc"
gt() { timeout 60 "$GAMMATOP" "$@" --kubeconfig "$T/kc" --cache "$T/cache.db" </dev/null; }

cat > "$T/run.sh" <<EOF
#!/bin/sh
cd "$T"
TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
  "$GAMMATOP" console --kubeconfig "$T/kc" --cache "$T/cache.db" 2>"$T/stderr"
echo "exit=\$?" > "$T/exit"
sleep 120
EOF
chmod +x "$T/run.sh"
$TMUX_CMD new-session -d -x 160 -y 45 "$T/run.sh" || fail "cannot start tmux"
expect "API synced" "first sync"
keys : history Enter
expect "no changes recorded yet" "the history view, on the same cache"

i=0
while [ $i -lt 20 ]; do
	i=$((i + 1))
	gt set httproute/checkout/checkout --timeouts-request "$((i + 5))s" --yes >"$T/set.out" \
		2>"$T/set.err" || { cat "$T/set.out" "$T/set.err"; fail "set #$i exited $?"; }
	grep -q "audit: recorded as #$i " "$T/set.out" || { cat "$T/set.out" "$T/set.err"; fail "set #$i not recorded as #$i"; }
done
ok "20 'set --yes' beside the console, recorded as #1..#20"

# The console sees them (its history view reads the shared file again) and quits.
keys Escape
keys : history Enter
expect "#20" "the console's history view shows the sets' rows"
keys : q Enter
wait_for "[ -f '$T/exit' ]" 20 || fail "the console did not quit"
grep -q "exit=0" "$T/exit" || { cat "$T/stderr"; fail "console $(cat "$T/exit")"; }
grep -q "ERROR: AddressSanitizer\|runtime error:" "$T/stderr" && { cat "$T/stderr"; fail "sanitizer report"; }

n=$(gt history -o json | jq length)
[ "$n" = 20 ] || { gt history; fail "after the console quit the audit log has $n rows, not 20"; }
gt history -o json | jq -e '[.[].result] | all(. == "applied")' >/dev/null ||
	fail "not every row is applied"
if command -v sqlite3 >/dev/null 2>&1; then
	ic=$(sqlite3 "$T/cache.db" "PRAGMA integrity_check")
	[ "$ic" = ok ] || fail "integrity_check: $ic"
fi
ok "after the console quit: 20 audit rows, integrity ok"
