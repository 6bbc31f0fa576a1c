#!/bin/sh
# tests/e2e/edit-interrupt.sh: every applied change is in the audit log, whatever happens to
# `gammatop set` while it applies. The sim holds each real PATCH (--patch-delay, then applies
# it even when the client has gone):
#   kill -9 while the PATCH is held: the row stays "pending"; once the sim has applied it,
#     `history` settles it against the cluster: applied (the route has the change).
#   SIGTERM while the PATCH is held: set waits for the answer, records it (applied, not
#     pending), says so, and then dies of the signal (exit 143).
#   kill -9 before the PATCH is sent: pending; `history` says "still pending ... so far"
#     within the API server's request timeout, then settles it: not applied (the route is
#     still at the resourceVersion it was made on).
#   a console that starts settles a pending row of its cluster too (its history view shows
#     the outcome);
#   the cluster unreachable: the row stays pending, and history says why.
. "$GT_SRCDIR/tests/e2e/lib.sh"
command -v jq >/dev/null || skip "jq not installed"
command -v curl >/dev/null || skip "curl not installed"
[ -x "$GAMMATOP_SIM" ] || skip "gammatop-sim not built"

start_sim --demo -v --kubeconfig-out "$T/kc"
R="$SIM_URL/apis/gateway.networking.k8s.io/v1/namespaces/checkout/httproutes/checkout"
gt() { timeout 60 "$GAMMATOP" "$@" --kubeconfig "$T/kc" --cache "$T/cache.db" </dev/null; }
req() { curl -sf "$R" | jq -r '.spec.rules[0].timeouts.request'; }
rv() { curl -sf "$R" | jq -r .metadata.resourceVersion; }
row() { gt history -o json 2>/dev/null | jq -c --argjson id "$1" '.[] | select(.id == $id)'; }
held() { grep -c 'patch-delay: holding PATCH .*httproutes/checkout' "$SIM_LOG"; }
applied_n() { grep -c 'patch-delay: applying PATCH .*httproutes/checkout' "$SIM_LOG"; }
curl -sf -X POST "$SIM_URL/sim/v1/faults?patchDelayMs=3000" >/dev/null || fail "cannot set the PATCH delay"

# ---- kill -9 while the PATCH is held by the server.
h0=$(held)
"$GAMMATOP" set checkout/checkout --timeouts-request 9s --yes --kubeconfig "$T/kc" \
	--cache "$T/cache.db" </dev/null >"$T/a.out" 2>"$T/a.err" &
pid=$!
gt_track $pid
wait_for "[ \$(held) -gt $h0 ]" 20 || { cat "$T/a.out" "$T/a.err"; fail "the PATCH never reached the sim"; }
kill -9 $pid
wait $pid 2>/dev/null
grep -q "audit: recorded" "$T/a.out" && fail "set recorded an answer although it was killed"
# Before the sim applied it, from a kubeconfig that cannot reach any cluster, the row is
# pending (and said to be someone else's to check).
sed "s#$SIM_URL#http://127.0.0.1:1#" "$T/kc" > "$T/kc.down"
"$GAMMATOP" history -o json --kubeconfig "$T/kc.down" --cache "$T/cache.db" >"$T/p.json" 2>"$T/p.err" ||
	{ cat "$T/p.err"; fail "history exited $?"; }
jq -e '.[0].result == "pending" and .[0].id == 1' "$T/p.json" >/dev/null || { cat "$T/p.json"; fail "the row is not pending"; }
grep -q "still pending" "$T/p.err" || { cat "$T/p.err"; fail "history did not mention the pending change"; }
ok "kill -9 during the apply leaves #1 pending"
wait_for "[ \$(applied_n) -gt $h0 ]" 20 || fail "the sim never applied the held PATCH"
wait_for "[ \"\$(req)\" = 9s ]" 10 || fail "the change did not land on the sim: $(req)"
GAMMATOP_TEST_SETTLE_GRACE_MS=0 gt history >"$T/h.out" 2>"$T/h.err" || { cat "$T/h.err"; fail "history exited $?"; }
grep -q "audit: #1 (httproute/checkout/checkout, interrupted at .*): applied: the route has this change" "$T/h.err" ||
	{ cat "$T/h.err"; fail "history did not settle #1 as applied"; }
row 1 | jq -e '.result == "applied" and (.message | test("settled later"))' >/dev/null ||
	{ row 1; fail "#1 is not recorded as applied"; }
ok "history settles #1 against the cluster: applied ($(grep -o 'resourceVersion [0-9]* -> [0-9]*' "$T/h.err"))"

# ---- SIGTERM while the PATCH is held: waits, records, then dies of the signal.
h0=$(held)
"$GAMMATOP" set checkout/checkout --timeouts-request 10s --yes --kubeconfig "$T/kc" \
	--cache "$T/cache.db" </dev/null >"$T/b.out" 2>"$T/b.err" &
pid=$!
gt_track $pid
wait_for "[ \$(held) -gt $h0 ]" 20 || { cat "$T/b.err"; fail "the PATCH never reached the sim"; }
kill -TERM $pid
wait $pid
rc=$?
[ "$rc" = 143 ] || { cat "$T/b.out" "$T/b.err"; fail "set after SIGTERM exited $rc, expected 143 (the signal, after recording)"; }
grep -q "came while the change was being applied: waited for the server's answer and recorded it" "$T/b.err" ||
	{ cat "$T/b.err"; fail "set did not say why it waited"; }
grep -q "audit: recorded as #2 " "$T/b.out" || { cat "$T/b.out"; fail "the outcome was not recorded"; }
[ "$(req)" = 10s ] || fail "the change is not on the sim: $(req)"
row 2 | jq -e '.result == "applied" and (.message | test("settled") | not)' >/dev/null ||
	{ row 2; fail "#2 is not recorded as applied by set itself"; }
ok "SIGTERM during the apply: set waited, recorded #2 as applied, then exited 143"

# ---- kill -9 before the PATCH is sent (the test hook holds set just before it).
curl -sf -X POST "$SIM_URL/sim/v1/faults?patchDelayMs=0" >/dev/null
rv0=$(rv)
GAMMATOP_TEST_PAUSE_BEFORE_APPLY="$T/never" "$GAMMATOP" set checkout/checkout \
	--timeouts-request 11s --yes --kubeconfig "$T/kc" --cache "$T/cache.db" </dev/null \
	>"$T/c.out" 2>"$T/c.err" &
pid=$!
gt_track $pid
wait_for "grep -q 'waiting for' '$T/c.err'" 20 || { cat "$T/c.err"; fail "set never reached the apply"; }
kill -9 $pid
wait $pid 2>/dev/null
gt history >/dev/null 2>"$T/g.err"
grep -q "#3 .*is still pending: not applied: the route is still at resourceVersion $rv0.*so far" "$T/g.err" ||
	{ cat "$T/g.err"; fail "a young 'not applied' finding was not kept pending"; }
row 3 | jq -e '.result == "pending"' >/dev/null || { row 3; fail "#3 is not pending"; }
GAMMATOP_TEST_SETTLE_GRACE_MS=0 gt history >/dev/null 2>"$T/g.err"
grep -q "#3 .*: not applied: the route is still at resourceVersion $rv0" "$T/g.err" ||
	{ cat "$T/g.err"; fail "#3 not settled as not applied"; }
row 3 | jq -e '.result == "failed"' >/dev/null || { row 3; fail "#3 is not recorded as failed (not applied)"; }
[ "$(req)" = 10s ] || fail "the route changed: $(req)"
ok "kill -9 before sending: #3 settles as not applied (resourceVersion $rv0)"

# ---- the console settles too: kill -9 before sending, then a console starts.
rv0=$(rv)
GAMMATOP_TEST_PAUSE_BEFORE_APPLY="$T/never" "$GAMMATOP" set checkout/checkout \
	--timeouts-request 13s --yes --kubeconfig "$T/kc" --cache "$T/cache.db" </dev/null \
	>"$T/e.out" 2>"$T/e.err" &
pid=$!
gt_track $pid
wait_for "grep -q 'waiting for' '$T/e.err'" 20 || { cat "$T/e.err"; fail "set never reached the apply"; }
kill -9 $pid
wait $pid 2>/dev/null
GAMMATOP_TEST_SETTLE_GRACE_MS=0 GAMMATOP_HEADLESS=200x50 GAMMATOP_KEYS='<Sync>:history<Enter>' \
	timeout 60 "$GAMMATOP" console --no-telemetry --dump-screen --kubeconfig "$T/kc" \
	--cache "$T/cache.db" </dev/null >"$T/con.txt" 2>"$T/con.err" || { cat "$T/con.err"; fail "console exited $?"; }
"$GAMMATOP" history -o json --kubeconfig "$T/kc.down" --cache "$T/cache.db" 2>/dev/null |
	jq -e '.[] | select(.id == 4) | .result == "failed" and (.message | test("still at resourceVersion '"$rv0"'"))' \
	>/dev/null || { cat "$T/con.txt"; fail "the console did not settle #4 as not applied"; }
grep -q "#4 .*failed" "$T/con.txt" || { cat "$T/con.txt"; fail "the console's history view does not show #4 settled"; }
ok "a console start settles #4 (not applied) and its history view shows it"

# ---- the cluster unreachable: stays pending, and history says why.
GAMMATOP_TEST_PAUSE_BEFORE_APPLY="$T/never" "$GAMMATOP" set checkout/checkout \
	--timeouts-request 12s --yes --kubeconfig "$T/kc" --cache "$T/cache.db" </dev/null \
	>"$T/d.out" 2>"$T/d.err" &
pid=$!
gt_track $pid
wait_for "grep -q 'waiting for' '$T/d.err'" 20 || { cat "$T/d.err"; fail "set never reached the apply"; }
kill -9 $pid
wait $pid 2>/dev/null
stop_sim
GAMMATOP_TEST_SETTLE_GRACE_MS=0 gt history -o json >"$T/u.json" 2>"$T/u.err"
grep -q "#5 .*is still pending: cannot ask the cluster" "$T/u.err" || { cat "$T/u.err"; fail "no reason for the unsettled row"; }
jq -e '.[] | select(.id == 5) | .result == "pending"' "$T/u.json" >/dev/null || fail "#5 is not pending"
ok "cluster unreachable: #5 stays pending ($(grep -o 'cannot ask the cluster.*' "$T/u.err" | head -c 80))"
