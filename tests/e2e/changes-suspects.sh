#!/bin/sh
# changes-suspects.sh: "what changed before it broke". In the demo, inventory's 300ms request
# timeout cuts about a third of its requests. While `gammatop watch` records, unrelated and
# related-but-harmless changes are made (another route's timeout, an annotation on the
# inventory Service, later an annotation on the route itself), and the inventory timeout is
# tightened by kubectl to 100ms; `gammatop top` measures the timeout rate rise (and leaves
# samples in the cache). `changes --suspects inventory/inventory` lists the kubectl change as
# the top suspect, saying why, with the rise; the unrelated route is not a suspect. Then
# `gammatop set` raises the timeout to 2s: its entry shows the figures before and after
# ("did it help?": the timeout rate fell). Needs curl and jq.
. "$GT_SRCDIR/tests/e2e/lib.sh"
command -v jq >/dev/null || skip "jq not installed"
command -v curl >/dev/null || skip "curl not installed"
[ -x "$GAMMATOP_SIM" ] || skip "gammatop-sim not built"

start_sim --demo --kubeconfig-out "$T/kc"
gt() { timeout 90 "$GAMMATOP" "$@" --kubeconfig "$T/kc" --cache "$T/cache.db" </dev/null; }
API="$SIM_URL/apis/gateway.networking.k8s.io/v1"
patch() { # PATH JSON USER-AGENT
	curl -sf -X PATCH -H 'Content-Type: application/merge-patch+json' -H "User-Agent: $3" \
		"$SIM_URL$1" -d "$2" >/dev/null || fail "patch $1"
}
rate() {
	gt top -n inventory --sample 2 -o json 2>"$T/top.err" |
		jq -r '.routes[] | select(.route == "httproute/inventory/inventory") | .timeoutRate'
}

"$GAMMATOP" watch -o none --kubeconfig "$T/kc" --cache "$T/cache.db" 2>"$T/watch.err" &
gt_track $!
wait_for "gt changes --no-events >/dev/null 2>'$T/c.err' && ! grep -q 'no change journal' '$T/c.err'" 20 ||
	fail "the journal was not started: $(cat "$T/watch.err" "$T/c.err")"

before=$(rate)
[ -n "$before" ] && [ "$before" != null ] || { cat "$T/top.err"; fail "top measured no timeout rate"; }
sleep 1
patch /apis/gateway.networking.k8s.io/v1/namespaces/checkout/httproutes/checkout \
	'{"spec":{"rules":[{"backendRefs":[{"name":"checkout","port":8080}],"timeouts":{"request":"6s","backendRequest":"2s"}}]}}' \
	deploy-bot/1.0
patch /api/v1/namespaces/inventory/services/inventory '{"metadata":{"annotations":{"team":"stock"}}}' \
	label-bot/1.0
sleep 1
patch /apis/gateway.networking.k8s.io/v1/namespaces/inventory/httproutes/inventory \
	'{"spec":{"rules":[{"backendRefs":[{"name":"inventory","port":8080}],"timeouts":{"request":"100ms"}}]}}' \
	kubectl/v1.32.4
sleep 2
patch /apis/gateway.networking.k8s.io/v1/namespaces/inventory/httproutes/inventory \
	'{"metadata":{"annotations":{"reviewed-by":"someone"}}}' annotate-bot/1.0
after=$(rate)
awk -v a="$after" -v b="$before" 'BEGIN { exit !(a > b + 0.1) }' ||
	fail "the timeout rate did not rise: $before -> $after"
ok "inventory's timeout rate rose from $before to $after"
wait_for "gt changes inventory/inventory --no-events -o json | jq -e '.items[0].who.manager == \"annotate-bot\"'" 15 ||
	fail "the changes were not recorded"

gt changes --suspects inventory/inventory -o json >"$T/s.json" 2>"$T/s.err" ||
	fail "changes --suspects: $(cat "$T/s.err")"
jq -e '.suspects[0].change | .who.manager == "kubectl" and .summary == "spec.rules[0].timeouts.request 300ms → 100ms"' \
	"$T/s.json" >/dev/null || fail "the kubectl change is not the top suspect: $(jq -c '[.suspects[] | {score, why, s: .change.summary}]' "$T/s.json")"
jq -e '.suspects[0].why | test("the route itself; .* before; changes timeouts")' "$T/s.json" >/dev/null ||
	fail "no reason in words: $(jq -r '.suspects[0].why' "$T/s.json")"
jq -e '[.suspects[] | .change.object.name] | index("checkout") == null' "$T/s.json" >/dev/null ||
	fail "an unrelated route is a suspect"
jq -e '[.suspects[] | select((.relation | test("its (parent|backend) Service")) and .change.who.manager == "label-bot")] | length == 1' \
	"$T/s.json" >/dev/null || fail "the Service's change is not listed: $(jq -c '[.suspects[].relation]' "$T/s.json")"
jq -e '.shift.at.timeoutRate > .shift.before.timeoutRate' "$T/s.json" >/dev/null ||
	fail "no timeout-rate rise in the suspects' figures: $(jq -c .shift "$T/s.json")"
ok "suspects: the kubectl timeout change first (why: $(jq -r '.suspects[0].why' "$T/s.json")), the Service's annotation listed, the other route not"
gt changes --suspects inventory/inventory >"$T/s.txt" || fail "changes --suspects (table)"
sed -n '3p' "$T/s.txt" | grep -q '^ 1\. score [0-9.]*  .*kubectl  *httproute/inventory/inventory  *spec.rules\[0\]\.timeouts\.request 300ms → 100ms' ||
	fail "suspects table: $(cat "$T/s.txt")"
ok "the table says the same"

# did it help? a gammatop change shows the route's figures before and after
gt set inventory/inventory --timeouts-request 2s --yes >"$T/set.out" 2>&1 || { cat "$T/set.out"; fail "set"; }
AUDIT=$(sed -n 's/^audit: recorded as #\([0-9]*\).*/\1/p' "$T/set.out")
sleep 1
fixed=$(rate)
gt changes --suspects inventory/inventory -o json >"$T/s2.json" || fail "suspects after set"
jq -e ".suspects[] | select(.change.auditId == $AUDIT) | .figures.after.timeoutRate < .figures.before.timeoutRate" \
	"$T/s2.json" >/dev/null || fail "no did-it-help figures for #$AUDIT: $(jq -c '.suspects[] | select(.change.auditId != null)' "$T/s2.json")"
gt changes --suspects inventory/inventory | grep -q 'did it help? (5m before → 5m after): timeoutRate' ||
	fail "no 'did it help?' line"
ok "did it help? gammatop #$AUDIT: timeout rate $(jq -r ".suspects[] | select(.change.auditId == $AUDIT) | \"\(.figures.before.timeoutRate) -> \(.figures.after.timeoutRate)\"" "$T/s2.json") (top now: $fixed)"
