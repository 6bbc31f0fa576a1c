#!/bin/sh
# sim-world.sh: gammatop-sim's worlds and knobs: the demo's misbehaving routes and its v1.6
# kinds, --generate (deterministic by seed; the mixed kinds), --manifests (upstream examples
# valid on both channels, skipped without ../shared), --channel standard pruning retry,
# --wrong-status, proxy Pods and metrics (port and pod proxy), the admin API (faults, churn,
# dropped watches) and --state across a restart.
. "$GT_SRCDIR/tests/e2e/lib.sh"
command -v curl >/dev/null || skip "curl not installed"
command -v jq >/dev/null || skip "jq not installed"
GW=/apis/gateway.networking.k8s.io/v1
get() { curl -s --max-time 10 "$SIM_URL$1"; }
accepted() { # accepted NS NAME: the Accepted status of the first parent
	get "$GW/namespaces/$1/httproutes/$2" | jq -r '.status.parents[0].conditions[] | select(.type=="Accepted") | .status + "/" + .reason'
}
resolved() {
	get "$GW/namespaces/$1/httproutes/$2" | jq -r '.status.parents[0].conditions[] | select(.type=="ResolvedRefs") | .status + "/" + .reason'
}

# ---- the demo world ----
start_sim --demo --wrong-status httproute/accounts/accounts
[ "$(accepted checkout checkout)" = True/Accepted ] || fail "checkout: $(accepted checkout checkout)"
[ "$(resolved shop recommendations-widget)" = False/RefNotPermitted ] || fail "missing grant: $(resolved shop recommendations-widget)"
[ "$(accepted search search-public)" = False/NoMatchingListenerHostname ] || fail "hostname: $(accepted search search-public)"
[ "$(accepted shop admin)" = False/NotAllowedByListeners ] || fail "listener: $(accepted shop admin)"
[ "$(accepted shipping shipping)" = False/NoMatchingParent ] || fail "wrong status annotation: $(accepted shipping shipping)"
[ "$(accepted accounts accounts)" = False/NoMatchingParent ] || fail "--wrong-status: $(accepted accounts accounts)"
[ "$(get "$GW/gatewayclasses/gammatop" | jq -r '.status.conditions[0].status')" = True ] || fail "GatewayClass status"
get "$GW/namespaces/ingress/gateways/storefront" >"$T/gw"
# https: storefront, api, recommendations-widget, basket (the head of the call chain)
[ "$(jq -r '[.status.listeners[] | .name + "=" + (.attachedRoutes|tostring)] | join(",")' "$T/gw")" = "http=1,https=4,admin=0" ] ||
	fail "attachedRoutes: $(jq -c '.status.listeners' "$T/gw")"
[ "$(jq -r '.status.conditions[] | select(.type=="Programmed") | .status' "$T/gw")" = True ] || fail "Gateway Programmed"
[ "$(jq -r '.status.attachedListenerSets' "$T/gw")" = 1 ] || fail "attachedListenerSets: $(jq -c .status "$T/gw")"
get "$GW/namespaces/payments/listenersets/payments-edge" | jq -e '(.status.conditions | map(.type + "=" + .reason) == ["Accepted=Accepted", "Programmed=Programmed"]) and
	(.status.listeners | map(.name + "=" + (.attachedRoutes|tostring)) == ["pci-passthrough=1", "partners=0"])' >/dev/null ||
	fail "demo ListenerSet: $(get "$GW/namespaces/payments/listenersets/payments-edge" | jq -c .status)"
get "$GW/namespaces/payments/tlsroutes/payments-pci" | jq -e '.status.parents[0].conditions | map(.status) == ["True", "True"]' >/dev/null ||
	fail "demo TLSRoute: $(get "$GW/namespaces/payments/tlsroutes/payments-pci" | jq -c .status)"
get "/apis/gateway.networking.x-k8s.io/v1alpha1/namespaces/payments/xbackendtrafficpolicies/payments-retry-budget" |
	jq -e '.spec.retryConstraint == {"budget": {"percent": 20, "interval": "10s"}, "minRetryRate": {"count": 5, "interval": "1s"}}' >/dev/null ||
	fail "demo retry budget"
ok "demo: statuses with the spec's reasons, wrong status on demand, attachedRoutes, the v1.6 kinds"

# removing the wrong-status annotation puts the truth back (a MODIFIED status, same generation)
GEN=$(get "$GW/namespaces/shipping/httproutes/shipping" | jq -r .metadata.generation)
curl -s -o /dev/null -X PATCH -H 'Content-Type: application/merge-patch+json' \
	-d '{"metadata":{"annotations":{"sim.gammatop.dev/wrong-status":null}}}' "$SIM_URL$GW/namespaces/shipping/httproutes/shipping"
[ "$(accepted shipping shipping)" = True/Accepted ] || fail "truth after the annotation went: $(accepted shipping shipping)"
[ "$(get "$GW/namespaces/shipping/httproutes/shipping" | jq -r .metadata.generation)" = "$GEN" ] || fail "generation moved"
# adding the ReferenceGrant resolves the widget's backend
curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d '{"apiVersion":"gateway.networking.k8s.io/v1beta1","kind":"ReferenceGrant","metadata":{"name":"from-shop"},"spec":{"from":[{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","namespace":"shop"}],"to":[{"group":"","kind":"Service"}]}}' \
	"$SIM_URL/apis/gateway.networking.k8s.io/v1beta1/namespaces/recommendations/referencegrants" >"$T/code"
[ "$(cat "$T/code")" = 201 ] || fail "create ReferenceGrant: $(cat "$T/code")"
[ "$(resolved shop recommendations-widget)" = True/ResolvedRefs ] || fail "grant: $(resolved shop recommendations-widget)"
# route changes recount the Gateway's listeners; the last route of a namespace takes its proxy
curl -s -o /dev/null -X PATCH -H 'Content-Type: application/merge-patch+json' -d '{"spec":{"hostnames":["nomatch.example.org"]}}' \
	"$SIM_URL$GW/namespaces/shop/httproutes/storefront"
curl -s -o /dev/null -X DELETE "$SIM_URL$GW/namespaces/shop/httproutes/api"
[ "$(get "$GW/namespaces/ingress/gateways/storefront" | jq -r '[.status.listeners[] | .name + "=" + (.attachedRoutes|tostring)] | join(",")')" = "http=1,https=2,admin=0" ] ||
	fail "attachedRoutes after changes: $(get "$GW/namespaces/ingress/gateways/storefront" | jq -c .status.listeners)"
[ "$(accepted shop storefront)" = False/NoMatchingListenerHostname ] || fail "storefront after the hostname change"
curl -s -o /dev/null -X DELETE "$SIM_URL$GW/namespaces/accounts/httproutes/accounts"
[ "$(get /api/v1/namespaces/accounts/pods | jq '.items | length')" = 0 ] || fail "proxy pod left in a namespace without routes"
ok "controllers follow changes"

# ---- proxy Pods and metrics ----
get /api/v1/namespaces/payments/pods >"$T/pods"
[ "$(jq -r '.items[0].metadata.name + " " + .items[0].status.phase + " " + .items[0].metadata.annotations["prometheus.io/port"]' "$T/pods")" = "gammatop-proxy-payments Running 4191" ] ||
	fail "proxy pod: $(jq -c '.items[0].metadata' "$T/pods")"
[ "$(get /api/v1/pods | jq '[.items[].metadata.namespace] | length')" -ge 7 ] || fail "one proxy pod per namespace with routes"
[ "$(get /api/v1/namespaces/ingress/pods | jq '.items | length')" = 0 ] || fail "a namespace without routes has a proxy"
curl -s --max-time 10 "$SIM_METRICS_URL" >"$T/m1"
grep -q '^outbound_http_route_request_statuses_total{' "$T/m1" || fail "metrics port: $(head -3 "$T/m1")"
for p in "gammatop-proxy-inventory:4191" "gammatop-proxy-inventory" "http:gammatop-proxy-inventory:4191"; do
	curl -s --max-time 10 "$SIM_URL/api/v1/namespaces/inventory/pods/$p/proxy/metrics" >"$T/m2"
	grep -q 'route_name="inventory"' "$T/m2" || fail "pod proxy $p: $(head -3 "$T/m2")"
	if grep -q 'route_namespace="payments"' "$T/m2"; then fail "pod proxy $p shows another namespace"; fi
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "$SIM_URL/api/v1/namespaces/inventory/pods/gammatop-proxy-inventory:9999/proxy/metrics")" = 503 ] ||
	fail "wrong port"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$SIM_URL/api/v1/namespaces/inventory/pods/nope:4191/proxy/metrics")" = 404 ] ||
	fail "unknown pod"
ok "proxy pods, /metrics and the pod proxy subresource"

# ---- faults through the admin API ----
A() { curl -s -o "$T/admin" -w '%{http_code}' -X POST "$SIM_URL/sim/v1/$1"; }
[ "$(A 'faults?errorRate=1')" = 200 ] || fail "set faults: $(cat "$T/admin")"
[ "$(curl -s -o "$T/b" -w '%{http_code}' "$SIM_URL/api/v1/namespaces")" = 500 ] || fail "errorRate=1 gave no 500"
[ "$(jq -r .reason "$T/b")" = InternalError ] || fail "500 body"
[ "$(A 'faults?errorRate=0&throttleRate=1')" = 200 ] || fail "set throttle"
curl -s -D "$T/h" -o "$T/b" "$SIM_URL/api/v1/namespaces" >/dev/null
grep -q '^HTTP/1.1 429' "$T/h" && grep -qi '^Retry-After: 1' "$T/h" || fail "429 with Retry-After: $(cat "$T/h")"
[ "$(A 'faults?throttleRate=0&latencyMs=300')" = 200 ] || fail "set latency"
MS=$(curl -s -o /dev/null -w '%{time_total}' "$SIM_URL/api/v1/namespaces" | awk '{print int($1 * 1000)}')
[ "$MS" -ge 300 ] || fail "latency fault: ${MS} ms"
[ "$(A 'faults?latencyMs=0')" = 200 ] || fail "reset faults"
[ "$(A 'faults?errorRate=2')" = 400 ] || fail "bad fault value accepted"
[ "$(A 'nothing')" = 404 ] || fail "unknown admin endpoint"
ok "faults: 500, 429 + Retry-After, latency"

# ---- churn and dropped watches ----
RV1=$(get /sim/v1/status | jq -r .resourceVersion)
curl -sN --max-time 20 "$SIM_URL$GW/httproutes?watch=1&resourceVersion=$RV1&timeoutSeconds=15" >"$T/w" &
WP=$!
[ "$(A 'churn?rate=40')" = 200 ] || fail "set churn"
sleep 1
[ "$(A 'churn?rate=0')" = 200 ] || fail "stop churn"
RV2=$(get /sim/v1/status | jq -r .resourceVersion)
[ $((RV2 - RV1)) -ge 10 ] || fail "churn made $((RV2 - RV1)) changes in a second at 40/s"
A drop-watches >/dev/null
wait $WP
WRC=$?
[ "$WRC" != 28 ] || fail "the watch was not dropped (curl timed out)"
[ "$(jq -s 'map(select(.type=="MODIFIED" and .object.metadata.annotations["sim.gammatop.dev/churn"] != null)) | length' "$T/w")" -ge 10 ] ||
	fail "churn events on the watch: $(wc -l <"$T/w")"
ok "churn ($((RV2 - RV1)) changes), dropped watches"
stop_sim || fail "unclean exit: $(tail "$SIM_LOG")"

# ---- --channel standard prunes retry ----
start_sim --demo --channel standard
get "$GW/namespaces/payments/httproutes/payments" | jq -e '.spec.rules[0].retry == null and .spec.rules[0].timeouts.request == "3s"' >/dev/null ||
	fail "standard channel kept retry in the demo"
P='{"spec":{"rules":[{"backendRefs":[{"name":"checkout","port":8080}],"timeouts":{"request":"5s"},"retry":{"attempts":2}}]}}'
curl -s -X PATCH -H 'Content-Type: application/merge-patch+json' -d "$P" "$SIM_URL$GW/namespaces/checkout/httproutes/checkout" >"$T/b"
jq -e '.spec.rules[0].retry == null and .spec.rules[0].timeouts.request == "5s"' "$T/b" >/dev/null || fail "retry not pruned: $(cat "$T/b")"
# the default fieldValidation (Warn) says so in a Warning header; Strict refuses
curl -s -D "$T/h" -o /dev/null -X PATCH -H 'Content-Type: application/merge-patch+json' -d "$P" "$SIM_URL$GW/namespaces/checkout/httproutes/checkout"
grep -qi '^Warning: 299 - "unknown field \\"spec.rules\[0\].retry\\""' "$T/h" || fail "no Warning header: $(cat "$T/h")"
[ "$(curl -s -o "$T/b" -w '%{http_code}' -X PATCH -H 'Content-Type: application/merge-patch+json' -d "$P" "$SIM_URL$GW/namespaces/checkout/httproutes/checkout?fieldValidation=Strict")" = 400 ] ||
	fail "Strict accepted a pruned field"
jq -r .message "$T/b" | grep -q 'strict decoding error: unknown field "spec.rules\[0\].retry"' || fail "Strict message: $(cat "$T/b")"
stop_sim || fail "unclean exit: $(tail "$SIM_LOG")"
ok "standard channel: retry pruned, Warning header, Strict refuses"

# ---- --generate is deterministic; --state survives a restart ----
start_sim --generate namespaces=6,gateways=2,services=40,routes=150,seed=9 --state "$T/state.json"
get "$GW/httproutes" | jq -c '[.items[] | [.metadata.namespace, .metadata.name, .spec]]' >"$T/g1"
get "/api/v1/services" | jq '.items | length' >"$T/nsvc"
[ "$(cat "$T/nsvc")" = 40 ] || fail "services: $(cat "$T/nsvc")"
N=$(jq length "$T/g1")
G=$(get "$GW/grpcroutes" | jq '.items | length')
[ $((N + G)) = 150 ] || fail "generated $N HTTPRoutes + $G GRPCRoutes"
get "$GW/httproutes" | jq -r '.items[].spec.parentRefs[0].kind' | sort | uniq -c >"$T/kinds"
grep -q ' Gateway$' "$T/kinds" && grep -q ' Service$' "$T/kinds" || fail "no mix of parents: $(cat "$T/kinds")"
[ "$(get "$GW/httproutes" | jq '[.items[].spec.rules[] | select(.timeouts)] | length')" -gt 10 ] || fail "no timeouts"
[ "$(get "$GW/httproutes" | jq '[.items[].spec.rules[] | select(.retry)] | length')" -gt 5 ] || fail "no retries"
curl -s -o /dev/null -X PATCH -H 'Content-Type: application/merge-patch+json' -d '{"metadata":{"labels":{"kept":"yes"}}}' \
	"$SIM_URL/api/v1/namespaces/orders"
RVS=$(get /sim/v1/status | jq -r .resourceVersion)
UID1=$(get /api/v1/namespaces/orders | jq -r .metadata.uid)
stop_sim || fail "unclean exit with --state"
[ -s "$T/state.json" ] || fail "no state file"
start_sim --state "$T/state.json"
[ "$(get /sim/v1/status | jq -r .resourceVersion)" = "$RVS" ] || fail "resourceVersion after restart"
get /api/v1/namespaces/orders >"$T/ns"
[ "$(jq -r .metadata.labels.kept "$T/ns")/$(jq -r .metadata.uid "$T/ns")" = "yes/$UID1" ] || fail "state lost: $(cat "$T/ns")"
curl -sN --max-time 5 "$SIM_URL$GW/httproutes?watch=1&resourceVersion=$((RVS - 5))&timeoutSeconds=1" | head -1 >"$T/w410"
[ "$(jq -r .object.code "$T/w410")" = 410 ] || fail "watch from before the restart: $(cat "$T/w410")"
stop_sim || fail "unclean exit: $(tail "$SIM_LOG")"
start_sim --generate namespaces=6,gateways=2,services=40,routes=150,seed=9
get "$GW/httproutes" | jq -c '[.items[] | [.metadata.namespace, .metadata.name, .spec]]' >"$T/g2"
cmp -s "$T/g1" "$T/g2" || fail "--generate with the same seed differs"
stop_sim || fail "unclean exit: $(tail "$SIM_LOG")"
ok "generate (deterministic, mixed parents, timeouts, retries), state across a restart"

# ---- --generate with the v1.6 kinds; --wrong-status on them ----
start_sim --generate namespaces=3,gateways=2,services=12,routes=30,tlsroutes=6,tcproutes=4,udproutes=3,listenersets=4 \
	--wrong-status listenerset/orders/ls-0
for k in tlsroutes=6 tcproutes=4 udproutes=3 listenersets=4; do
	[ "$(get "$GW/${k%=*}" | jq '.items | length')" = "${k#*=}" ] || fail "generated ${k%=*}: $(get "$GW/${k%=*}" | jq '.items | length')"
done
get "$GW/tcproutes" | jq -e '[.items[].status.parents[0].conditions[] | select(.type == "Accepted") | .status] | all(. == "True")' >/dev/null ||
	fail "generated TCPRoutes not all accepted: $(get "$GW/tcproutes" | jq -c '[.items[].status.parents[0].conditions]')"
get "$GW/namespaces/edge/gateways/public" | jq -e '[.status.listeners[].name] == ["http", "https", "tls", "tcp", "udp"] and
	(.status.listeners | map(.conditions[] | select(.type == "ResolvedRefs") | .status) | all(. == "True"))' >/dev/null ||
	fail "generated Gateway listeners: $(get "$GW/namespaces/edge/gateways/public" | jq -c .status.listeners)"
get "$GW/listenersets" | jq -e '[.items[] | select(.metadata.name != "ls-0") | .status.conditions[0].status] | all(. == "True")' >/dev/null ||
	fail "generated ListenerSets: $(get "$GW/listenersets" | jq -c '[.items[].status.conditions[0]]')"
[ "$(get "$GW/namespaces/orders/listenersets/ls-0" | jq -r '.status.conditions[0].status + "/" + .status.conditions[0].reason')" = False/NotAllowed ] ||
	fail "--wrong-status listenerset"
[ "$(get "$GW/httproutes" | jq '[.items[].spec.parentRefs[] | select(.kind == "ListenerSet")] | length')" -gt 0 ] ||
	fail "no HTTPRoute through a ListenerSet"
stop_sim || fail "unclean exit: $(tail "$SIM_LOG")"
ok "generate with tlsroutes, tcproutes, udproutes, listenersets; --wrong-status listenerset"

# ---- upstream examples as manifests: every one is valid on both channels ----
EX="$GT_SHARED/data/gateway-api-v1.6.1/examples"
if [ -d "$EX" ]; then
	for ch in standard experimental; do
		start_sim -v --channel "$ch" --manifests "$EX/standard" --manifests "$EX/experimental"
		grep -q "examples/standard: 103 objects loaded, 0 rejected" "$SIM_LOG" &&
			grep -q "examples/experimental: [0-9]* objects loaded, 0 rejected" "$SIM_LOG" ||
			fail "$ch: upstream examples rejected: $(grep -v ' GET ' "$SIM_LOG" | head -20)"
		[ "$(get "$GW/tlsroutes" | jq '.items | length')" -ge 2 ] || fail "$ch: example TLSRoutes"
		[ "$(get "$GW/listenersets" | jq '.items | length')" = 2 ] || fail "$ch: example ListenerSets"
		stop_sim || fail "unclean exit: $(tail "$SIM_LOG")"
	done
	start_sim --manifests "$EX/standard"
	[ "$(get "$GW/httproutes" | jq '.items | length')" -gt 5 ] || fail "manifests: $(tail "$SIM_LOG")"
	[ "$(get "$GW/gateways" | jq '.items | length')" -gt 2 ] || fail "manifest gateways"
	stop_sim || fail "unclean exit: $(tail "$SIM_LOG")"
	printf 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: bad}\nspec:\n  rules:\n  - timeouts: {request: 1.5s}\n' >"$T/bad.yaml"
	start_sim --manifests "$T/bad.yaml"
	grep -q 'bad.yaml:1: .*spec.rules\[0\].timeouts.request' "$SIM_LOG" || fail "invalid manifest message: $(cat "$SIM_LOG")"
	stop_sim || fail "unclean exit: $(tail "$SIM_LOG")"
	ok "manifests: upstream examples load, invalid objects reported by file and field"
fi
