#!/bin/sh
# changes-events.sh: the cluster's own record. gammatop-sim serves Events as core v1 and as
# events.k8s.io/v1, one set of Events seen through both (an Event written through one is
# listed, got, watched and deleted through the other, fields converted as kube-apiserver
# does: regarding/involvedObject, note/message, reportingController/reportingComponent);
# their field selectors (regarding.name, involvedObject.kind, ...); an invalid Event is
# refused with 422; `kubectl get events` lists them. `gammatop changes ROUTE` shows the
# route's Events from any writer beside the journal, and says so when it cannot read them.
# Needs curl and jq (kubectl when present).
. "$GT_SRCDIR/tests/e2e/lib.sh"
command -v jq >/dev/null || skip "jq not installed"
command -v curl >/dev/null || skip "curl not installed"
[ -x "$GAMMATOP_SIM" ] || skip "gammatop-sim not built"

start_sim --demo --kubeconfig-out "$T/kc"
V1="$SIM_URL/apis/events.k8s.io/v1/namespaces/inventory/events"
CORE="$SIM_URL/api/v1/namespaces/inventory/events"
post() { curl -s -o "$T/post.out" -w '%{http_code}' -X POST -H 'Content-Type: application/json' "$1" -d "$2"; }

uid=$(curl -sf "$SIM_URL/apis/gateway.networking.k8s.io/v1/namespaces/inventory/httproutes/inventory" | jq -r .metadata.uid)
code=$(post "$V1" "{\"apiVersion\":\"events.k8s.io/v1\",\"kind\":\"Event\",
	\"metadata\":{\"name\":\"inventory.1\",\"namespace\":\"inventory\"},
	\"eventTime\":\"2026-01-02T03:04:05.000000Z\",\"reportingController\":\"flux\",
	\"reportingInstance\":\"flux-1\",\"action\":\"Reconcile\",\"reason\":\"ReconciliationSucceeded\",
	\"type\":\"Normal\",\"note\":\"applied revision main@sha1:abc\",
	\"regarding\":{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\",
	\"namespace\":\"inventory\",\"name\":\"inventory\",\"uid\":\"$uid\"}}")
[ "$code" = 201 ] || fail "create an events.k8s.io/v1 Event: $code $(cat "$T/post.out")"
curl -sf "$CORE?fieldSelector=involvedObject.name=inventory,involvedObject.kind=HTTPRoute,involvedObject.uid=$uid" >"$T/core.json" ||
	fail "list core v1 events"
jq -e '.items | length == 1 and .[0].message == "applied revision main@sha1:abc" and .[0].reportingComponent == "flux" and .[0].involvedObject.name == "inventory" and .[0].apiVersion == "v1"' \
	"$T/core.json" >/dev/null || fail "the Event through core v1: $(cat "$T/core.json")"
curl -sf "$V1?fieldSelector=regarding.name=other" | jq -e '.items | length == 0' >/dev/null ||
	fail "regarding.name selected another object's Event"
ok "an events.k8s.io/v1 Event is listed through core v1 (converted), field selectors hold"

code=$(post "$CORE" '{"apiVersion":"v1","kind":"Event","metadata":{"name":"inventory.2","namespace":"inventory"},
	"involvedObject":{"kind":"HTTPRoute","namespace":"inventory","name":"inventory"},
	"reason":"Tuned","message":"retry budget lowered","type":"Warning","source":{"component":"tuner"},
	"count":3,"lastTimestamp":"2026-01-02T04:00:00Z"}')
[ "$code" = 201 ] || fail "create a core v1 Event: $code $(cat "$T/post.out")"
curl -sf "$V1/inventory.2" >"$T/v1.json" || fail "get the core Event through events.k8s.io"
jq -e '.note == "retry budget lowered" and .deprecatedCount == 3 and .deprecatedSource.component == "tuner" and .regarding.kind == "HTTPRoute"' \
	"$T/v1.json" >/dev/null || fail "the core Event through events.k8s.io: $(cat "$T/v1.json")"
ok "a core v1 Event is got through events.k8s.io/v1 (converted)"

code=$(post "$V1" '{"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"bad","namespace":"inventory"},
	"reason":"X","type":"Sideways","regarding":{"kind":"HTTPRoute","name":"inventory"}}')
[ "$code" = 422 ] || fail "an invalid Event was not refused: $code $(cat "$T/post.out")"
jq -e '.details.causes | map(.field) | (index("eventTime") != null and index("reportingController") != null and index("type") != null)' \
	"$T/post.out" >/dev/null || fail "422 causes: $(cat "$T/post.out")"
ok "an invalid events.k8s.io Event is refused (422) with its causes"

# a watch through one API sees a write through the other; a delete goes from both
rv=$(curl -sf "$V1" | jq -r .metadata.resourceVersion)
curl -sN --max-time 5 "$V1?watch=1&resourceVersion=$rv" >"$T/watch.out" 2>/dev/null &
gt_track $!
sleep 1
post "$CORE" '{"apiVersion":"v1","kind":"Event","metadata":{"name":"inventory.3","namespace":"inventory"},
	"involvedObject":{"kind":"HTTPRoute","namespace":"inventory","name":"inventory"},"reason":"Late","message":"m"}' >/dev/null
wait_for "grep -q inventory.3 '$T/watch.out'" 5 || fail "the events.k8s.io watch missed a core write: $(cat "$T/watch.out")"
curl -sf -X DELETE "$CORE/inventory.3" >/dev/null || fail "delete through core"
curl -s -o /dev/null -w '%{http_code}' "$V1/inventory.3" | grep -q 404 || fail "the mirrored Event survived its deletion"
ok "watch through events.k8s.io sees a core write; a delete goes from both"

if command -v kubectl >/dev/null; then
	HOME="$T/home" kubectl --kubeconfig "$T/kc" get events -n inventory >"$T/kget" 2>&1 ||
		fail "kubectl get events: $(cat "$T/kget")"
	grep -q 'inventory.1' "$T/kget" || fail "kubectl get events: $(cat "$T/kget")"
	ok "kubectl get events"
fi

# gammatop: the route's Events beside its journal (any writer), newest first
"$GAMMATOP" changes inventory/inventory -o json --kubeconfig "$T/kc" --cache "$T/cache.db" \
	>"$T/c.json" 2>"$T/c.err" || fail "changes ROUTE: $(cat "$T/c.err")"
jq -e '.events | length == 2 and .[0].reason == "Tuned" and .[0].type == "Warning" and .[0].count == 3 and .[1].from == "flux"' \
	"$T/c.json" >/dev/null || fail "changes ROUTE events: $(jq -c .events "$T/c.json")"
"$GAMMATOP" changes inventory/inventory --kubeconfig "$T/kc" --cache "$T/cache.db" >"$T/c.txt" 2>&1
grep -q 'Warning  *Tuned  *tuner  *retry budget lowered (x3)' "$T/c.txt" || fail "events table: $(cat "$T/c.txt")"
ok "changes ROUTE shows the route's Events (any writer), newest first"
stop_sim
"$GAMMATOP" changes inventory/inventory --kubeconfig "$T/kc" --cache "$T/cache.db" --request-timeout 3 \
	>"$T/down.txt" 2>"$T/down.err"
[ $? = 0 ] || fail "changes ROUTE with the cluster down did not exit 0"
grep -q 'events: .*(the journal is shown without them)' "$T/down.err" || fail "no word about the events: $(cat "$T/down.err")"
ok "the cluster down: the journal alone, and a word about the events"
