#!/bin/sh
# kube-resilience.sh: `gammatop watch` keeps an exact copy of the cluster through trouble.
# While the sim churns routes: gammatop is frozen while its watches are dropped, routes are
# deleted and added and the history is expired (so it must relist on 410 and drop what
# vanished); then the sim is restarted from its saved state. Afterwards the state that
# gammatop's event stream describes equals the sim's own list: nothing missing, nothing
# stale, nothing duplicated.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/kube-lib.sh"
command -v jq >/dev/null || skip "jq not installed"
command -v curl >/dev/null || skip "curl not installed"

kube_start_sim sim1 --generate routes=300,services=100 --state "$T/state.json" --churn 40 \
	--history 200 --bookmark-interval 1
kube_kubeconfig "$T/kc"

"$GAMMATOP" watch --kubeconfig "$T/kc" -o json --stats --log "$T/gammatop.log" \
	>"$T/ev.json" 2>"$T/watch.err" &
WPID=$!
gt_track $WPID
wait_for "[ \$(wc -l <'$T/ev.json') -ge 400 ]" 20 || fail "watch did not sync"
sleep 2

# 1. Freeze gammatop; drop its watches, delete and add routes, expire the history.
kill -STOP $WPID
kube_admin drop-watches
API=$SIM_URL/apis/gateway.networking.k8s.io/v1
curl -sS -f "$API/httproutes" | jq -r '.items[0:5][] | "\(.metadata.namespace)/\(.metadata.name)"' >"$T/gone"
while IFS=/ read -r ns name; do
	curl -sS -f -X DELETE "$API/namespaces/$ns/httproutes/$name" >/dev/null || fail "delete $ns/$name"
done <"$T/gone"
curl -sS -f "$API/httproutes" | jq -c '.items[0]' >"$T/tmpl"
for i in 1 2 3; do
	jq -c --arg n "resilience-$i" '.metadata = {name: $n, namespace: .metadata.namespace} | del(.status)' \
		"$T/tmpl" >"$T/new$i"
	ns=$(jq -r .metadata.namespace "$T/new$i")
	curl -sS -f -X POST -H 'Content-Type: application/json' --data-binary @"$T/new$i" \
		"$API/namespaces/$ns/httproutes" >/dev/null || fail "create resilience-$i"
done
kube_admin expire
sleep 1
kill -CONT $WPID
sleep 3

# 2. Restart the sim from its saved state on the same port, still churning.
kill -TERM "$SIM_PID"
wait "$SIM_PID" 2>/dev/null
[ -s "$T/state.json" ] || fail "the sim did not save its state"
sleep 2
kube_start_sim sim2 --state "$T/state.json" --port "$SIM_PORT" --churn 40 --history 200 \
	--bookmark-interval 1
sleep 4

# 3. Stop the churn and let gammatop catch up; then the two views must be identical.
kube_admin "churn?rate=0"
agree() {
	kube_sim_list >"$T/want"
	kube_replay "$T/ev.json" >"$T/got"
	cmp -s "$T/want" "$T/got"
}
wait_for agree 30 || {
	diff -u "$T/want" "$T/got" | head -40 >&2
	fail "gammatop's state differs from the sim's list"
}
kill -TERM $WPID
wait $WPID || fail "gammatop watch exited with status $? (see $T/watch.err)"
grep -q "Sanitizer" "$T/watch.err" && { cat "$T/watch.err" >&2; fail "sanitizer report"; }
for r in $(cat "$T/gone"); do
	grep -q " $r " "$T/got" && fail "deleted route $r is still there"
done
grep -q "resilience-3 " "$T/got" || fail "a route added while gammatop was frozen is missing"
[ "$(wc -l <"$T/got")" = "$(cut -d' ' -f1,2 "$T/got" | sort -u | wc -l)" ] || fail "duplicates"
relists=$(grep 'stats (end)' "$T/watch.err" | sed -n 's/.*httproute [0-9]* (pages [0-9]*, relists \([0-9]*\).*/\1/p')
[ "${relists:-0}" -ge 1 ] || { cat "$T/watch.err" >&2; fail "no relist after the history expired"; }
ok "after drops, 410, deletes while frozen and a restart: $(wc -l <"$T/got") objects identical to the sim's list (HTTPRoute relists: $relists, $(wc -l <"$T/ev.json") events)"
