#!/bin/sh
# changes-kubectl.sh: the change journal says who changed what. While `gammatop watch` records
# the demo cluster, real kubectl changes routes by a merge patch, a JSON patch, `kubectl edit`
# and server-side apply with two distinct field managers; `gammatop set` changes one; the
# sim's churn changes annotations. `gammatop changes` lists each with its writer
# (managedFields: kubectl-patch, kubectl-edit, team-a, team-b, gammatop with its audit id,
# gammatop-sim-churn) and the field diff; secrets in annotations are redacted; `changes
# --follow` prints a change as it comes; `changes ROUTE` shows the route's Events, among
# them the GammatopPolicyChange Event `set` wrote, which `kubectl describe` shows too.
# kubectl 1.32 (/usr/lib/google-cloud-sdk/bin/kubectl.1.32) when present, else kubectl on
# PATH, else skipped.
. "$GT_SRCDIR/tests/e2e/lib.sh"
command -v jq >/dev/null || skip "jq not installed"
command -v curl >/dev/null || skip "curl not installed"
[ -x "$GAMMATOP_SIM" ] || skip "gammatop-sim not built"
KUBECTL=/usr/lib/google-cloud-sdk/bin/kubectl.1.32
[ -x "$KUBECTL" ] || KUBECTL=$(command -v kubectl) || skip "kubectl not installed"
HOME="$T/home" # kubectl's discovery cache: a private one
mkdir -p "$HOME"
export HOME

start_sim --demo --kubeconfig-out "$T/kc"
K() { "$KUBECTL" --kubeconfig "$T/kc" --request-timeout 10s "$@"; }
gt() { timeout 60 "$GAMMATOP" "$@" --kubeconfig "$T/kc" --cache "$T/cache.db" </dev/null; }

# The recorder: first sight of everything, then every change.
"$GAMMATOP" watch -o none --kubeconfig "$T/kc" --cache "$T/cache.db" 2>"$T/watch.err" &
WATCH=$!
gt_track $WATCH
wait_for "gt changes --no-events >/dev/null 2>'$T/c.err' && ! grep -q 'no change journal' '$T/c.err'" 20 ||
	fail "the journal was not started: $(cat "$T/watch.err" "$T/c.err")"
gt changes --no-events -o json >"$T/empty.json" || fail "changes on a fresh journal"
[ "$(jq '.items | length' "$T/empty.json")" = 0 ] || fail "first sight listed as changes: $(cat "$T/empty.json")"
ok "a fresh journal: first sight of every object is no change"

# changes --follow, started now, prints what comes next
"$GAMMATOP" changes --follow -o json --no-events --kubeconfig "$T/kc" --cache "$T/cache.db" \
	>"$T/follow.json" 2>"$T/follow.err" </dev/null &
FOLLOW=$!
gt_track $FOLLOW
sleep 1

K patch httproute inventory -n inventory --type merge \
	-p '{"spec":{"rules":[{"backendRefs":[{"name":"inventory","port":8080}],"timeouts":{"request":"250ms"}}]}}' \
	>"$T/out" 2>&1 || fail "merge patch: $(cat "$T/out")"
K patch httproute checkout -n checkout --type json \
	-p '[{"op":"replace","path":"/spec/rules/0/timeouts/request","value":"7s"}]' >"$T/out" 2>&1 ||
	fail "json patch: $(cat "$T/out")"
KUBE_EDITOR="sed -i s/request:\ 7s/request:\ 9s/" K edit httproute checkout -n checkout >"$T/out" 2>&1 ||
	fail "kubectl edit: $(cat "$T/out")"
# team-a applies the route as it is, but for its timeout: it then owns the spec
K get httproute payments -n payments -o json >"$T/p.json" || fail "get payments"
jq '{apiVersion, kind, metadata: {name: .metadata.name, namespace: .metadata.namespace},
     spec: (.spec | .rules[0].timeouts.request = "4s")}' "$T/p.json" >"$T/a.yaml"
cat >"$T/b.yaml" <<EOF
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: payments
  namespace: payments
  labels: {owner: team-b}
  annotations: {example.com/db-password: hunter2}
EOF
K apply --server-side --force-conflicts --validate=false --field-manager team-a -f "$T/a.yaml" >"$T/out" 2>&1 ||
	fail "apply team-a: $(cat "$T/out")"
K apply --server-side --validate=false --field-manager team-b -f "$T/b.yaml" >"$T/out" 2>&1 ||
	fail "apply team-b: $(cat "$T/out")"
gt set shop/storefront --timeouts-request 12s --yes >"$T/set.out" 2>&1 || { cat "$T/set.out"; fail "gammatop set"; }
AUDIT=$(sed -n 's/^audit: recorded as #\([0-9]*\).*/\1/p' "$T/set.out")
[ -n "$AUDIT" ] || fail "set recorded no audit id: $(cat "$T/set.out")"
curl -sf -X POST "$SIM_URL/sim/v1/churn?rate=20" >/dev/null || fail "churn on"
sleep 1
curl -sf -X POST "$SIM_URL/sim/v1/churn?rate=0" >/dev/null || fail "churn off"

# one change: manager, operation and summary of the newest change to OBJECT matching jq TEST
have() { # DESC OBJECT JQ-TEST
	wait_for "gt changes '$2' --no-events -o json 2>/dev/null | jq -e '[.items[] | select($3)] | length > 0' >/dev/null" 15 ||
		{ gt changes "$2" --no-events; fail "$1: not in the journal"; }
	ok "$1"
}
have "merge patch: kubectl-patch, the timeout's diff" inventory/inventory \
	'.who.manager == "kubectl-patch" and .summary == "spec.rules[0].timeouts.request 300ms → 250ms"'
have "json patch: kubectl-patch, 5s → 7s" checkout/checkout \
	'.who.manager == "kubectl-patch" and .summary == "spec.rules[0].timeouts.request 5s → 7s"'
have "kubectl edit: kubectl-edit, 7s → 9s" checkout/checkout \
	'.who.manager == "kubectl-edit" and .summary == "spec.rules[0].timeouts.request 7s → 9s"'
have "server-side apply: team-a (apply), its timeout" payments/payments \
	'.who.manager == "team-a" and .who.operation == "Apply" and .summary == "spec.rules[0].timeouts.request 3s → 4s"'
have "server-side apply: team-b (apply), its label; the password annotation redacted" payments/payments \
	'.who.manager == "team-b" and .who.operation == "Apply" and (.summary | contains("team-b")) and (.summary | contains("(redacted)"))'
have "gammatop set: manager gammatop, audit #$AUDIT" shop/storefront \
	".who.manager == \"gammatop\" and .auditId == $AUDIT and (.summary | contains(\"→ 12s\"))"
gt changes --no-events -o json >"$T/all.json"
jq -e '[.items[] | select(.who.manager == "gammatop-sim-churn" and (.summary | test("sim.gammatop.dev/churn")))] | length > 0' \
	"$T/all.json" >/dev/null || fail "no churn change by gammatop-sim-churn: $(jq -c '.items[0]' "$T/all.json")"
ok "the sim's churn: gammatop-sim-churn, the annotation's diff"
! grep -q hunter2 "$T/cache.db"* || fail "a password annotation reached the cache"
ok "no secret in the cache"

# newest first, one line per change
gt changes --no-events >"$T/table" || fail "changes (table)"
head -1 "$T/table" | grep -q '^TIME  *WHO  *OBJECT  *CHANGE' || fail "table header: $(head -1 "$T/table")"
grep -q "gammatop #$AUDIT  *httproute/shop/storefront  *spec.rules\[0\].timeouts.request" "$T/table" ||
	fail "table row of the gammatop change: $(cat "$T/table")"
jq -e '[.items[].time] | . == (sort | reverse)' "$T/all.json" >/dev/null || fail "not newest first"
ok "changes: a table, newest first"

wait_for "grep -q 'kubectl-edit' '$T/follow.json'" 10 || fail "--follow printed nothing: $(cat "$T/follow.json" "$T/follow.err")"
jq -se 'map(select(.object.name == "checkout")) | length >= 2' "$T/follow.json" >/dev/null ||
	fail "--follow: $(cat "$T/follow.json")"
ok "changes --follow streams the changes as they come"

# the cluster's own record: set wrote an Event on the route
gt changes shop/storefront -o json >"$T/ev.json" || fail "changes ROUTE with events"
jq -e ".events[] | select(.reason == \"GammatopPolicyChange\" and .from == \"gammatop\" and (.note | contains(\"audit #$AUDIT\")))" \
	"$T/ev.json" >/dev/null || fail "no GammatopPolicyChange Event: $(jq -c .events "$T/ev.json")"
K describe httproute storefront -n shop >"$T/describe" 2>&1 || fail "kubectl describe: $(cat "$T/describe")"
grep -q "GammatopPolicyChange .*gammatop .*audit #$AUDIT" "$T/describe" ||
	fail "kubectl describe shows no Event: $(tail -8 "$T/describe")"
ok "set wrote an Event on the route: changes ROUTE and kubectl describe show it"

# a change while nothing recorded: found at the next start, dated by its writer (~)
kill $WATCH $FOLLOW
wait $WATCH $FOLLOW 2>/dev/null
K patch httproute inventory -n inventory --type merge \
	-p '{"spec":{"rules":[{"backendRefs":[{"name":"inventory","port":8080}],"timeouts":{"request":"2s"}}]}}' \
	>"$T/out" 2>&1 || fail "patch while nothing recorded: $(cat "$T/out")"
gt watch -o none --until-synced >/dev/null 2>&1 || fail "watch --until-synced"
gt changes inventory/inventory --no-events -o json >"$T/late.json"
jq -e '.items[0] | .approximate and .via == "start" and .who.manager == "kubectl-patch" and .summary == "spec.rules[0].timeouts.request 250ms → 2s"' \
	"$T/late.json" >/dev/null || fail "a change made while nothing recorded: $(jq -c '.items[0]' "$T/late.json")"
gt changes inventory/inventory --no-events | grep -q '^~' || fail "approximate times not marked ~"
ok "a change made while nothing recorded: found at the next start, writer and time from managedFields"
