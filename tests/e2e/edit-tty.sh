#!/bin/sh
# edit-tty.sh: `gammatop set` on a terminal (tmux): it asks before applying and applies on
# "y"; after a conflict it shows what changed meanwhile and offers to re-apply on top of the
# new version, which keeps the other change. Also "n" applies nothing.
. "$GT_SRCDIR/tests/e2e/lib.sh"
command -v jq >/dev/null || skip "jq not installed"
command -v curl >/dev/null || skip "curl not installed"
command -v tmux >/dev/null || skip "tmux not installed"
[ -x "$GAMMATOP_SIM" ] || skip "gammatop-sim not built"

start_sim --demo --kubeconfig-out "$T/kc"
R="$SIM_URL/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes/storefront"
TM="tmux -S $T/tmux.sock"
trap '$TM kill-server 2>/dev/null; gt_cleanup' EXIT
# One session for the whole test (killing the last session would stop the tmux server,
# racing with the next start); each run respawns its pane and prints a marker, and screen
# shows what came after the latest marker.
$TM new-session -d -s edit -x 220 -y 60 "sleep 600" || fail "tmux did not start"
RUN_N=0
screen() { $TM capture-pane -p -J -S -1000 -t edit | sed -n "/^=== run $RUN_N ===\$/,\$p"; }
# run ARGS...: gammatop set in the pane; its exit code appears as EXIT=N.
run() {
	RUN_N=$((RUN_N + 1))
	$TM respawn-pane -k -t edit \
		"echo '=== run $RUN_N ==='; env GAMMATOP_TEST_PAUSE_BEFORE_APPLY='${PAUSE:-}' \
		'$GAMMATOP' set shop/storefront --kubeconfig '$T/kc' --cache '$T/cache.db' $*; \
		echo EXIT=\$?; sleep 60"
}

# "n": nothing applied.
run --timeouts-request 11s
wait_for "screen | grep -q 'Apply this change to httproute/shop/storefront rule 0? \[y/N\]'" 30 ||
	{ screen; fail "no confirmation prompt"; }
$TM send-keys -t edit n Enter
wait_for "screen | grep -q 'EXIT='" 20 || { screen; fail "set did not finish after n"; }
screen | grep -q 'EXIT=1' || { screen; fail "'n' did not exit 1"; }
curl -sf "$R" | jq -e '.spec.rules[0].timeouts.request == "10s"' >/dev/null || fail "'n' applied"
ok "answering n applies nothing"

# "y": applied.
run --timeouts-request 11s
wait_for "screen | grep -q 'y/N'" 30 || { screen; fail "no prompt"; }
$TM send-keys -t edit y Enter
wait_for "screen | grep -q 'EXIT='" 20 || { screen; fail "set did not finish after y"; }
screen | grep -q 'EXIT=0' || { screen; fail "'y' did not apply"; }
curl -sf "$R" | jq -e '.spec.rules[0].timeouts.request == "11s"' >/dev/null || fail "not applied"
ok "answering y applies"

# A conflict on a terminal: re-apply on top of the new version.
PAUSE="$T/go" run --timeouts-request 12s --yes
wait_for "screen | grep -q 'test hook: waiting for'" 30 || { screen; fail "never reached the apply"; }
curl -sf -X PATCH -H 'Content-Type: application/merge-patch+json' \
	--data '{"spec":{"hostnames":["shop.example.com","tty.shop.example.com"]}}' "$R" >/dev/null ||
	fail "the concurrent change failed"
touch "$T/go"
wait_for "screen | grep -q 'Re-apply the change on top of the new version? \[y/N\]'" 30 ||
	{ screen; fail "no re-apply offer after the conflict"; }
screen | grep -q '^+  - tty.shop.example.com' || { screen; fail "what changed meanwhile is not shown"; }
$TM send-keys -t edit y Enter
wait_for "screen | grep -q 'EXIT='" 30 || { screen; fail "re-apply did not finish"; }
screen | grep -q 'EXIT=0' || { screen; fail "re-apply failed"; }
curl -sf "$R" | jq -e '.spec.rules[0].timeouts.request == "12s" and
	(.spec.hostnames | index("tty.shop.example.com"))' >/dev/null ||
	fail "re-apply lost a change: $(curl -sf "$R" | jq -c .spec)"
timeout 30 "$GAMMATOP" history shop/storefront --cache "$T/cache.db" -o json >"$T/h.json"
jq -e '[.[].result] == ["applied", "conflict", "applied"]' "$T/h.json" >/dev/null ||
	{ cat "$T/h.json"; fail "audit log: $(jq -c '[.[].result]' "$T/h.json")"; }
ok "conflict on a terminal: shown, re-applied on the new version, both attempts recorded"
