#!/bin/sh
# tests/e2e/gwapi-live.sh: gammatop against gammatop-sim's Gateway API v1.6 kinds (the demo
# world: a ListenerSet with a TLS passthrough listener and its TLSRoute, a BackendTLSPolicy,
# an XBackendTrafficPolicy retry budget, an XMesh). On the experimental channel every kind
# is discovered (the x-k8s group too), listed and synced; what gammatop computes (ListenerSet
# Accepted, listener attachedRoutes and supportedKinds, AttachedListenerSets, policy
# ancestors) agrees with the status the sim's controller wrote, and the only status
# disagreement is the one the demo plants. On the standard channel the x-k8s kinds are
# simply absent (not installed), and the rest still works.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/kube-lib.sh"
command -v jq >/dev/null || skip "jq not installed"

kube_start_sim exp --demo --kubeconfig-out "$T/kc"
timeout 60 "$GAMMATOP" snapshot --kubeconfig "$T/kc" >"$T/snap.json" 2>"$T/err" ||
	{ cat "$T/err" >&2; fail "snapshot against the sim"; }
for k in ListenerSet TLSRoute TCPRoute UDPRoute BackendTLSPolicy XBackendTrafficPolicy XMesh; do
	jq -e --arg k "$k" '.source.kinds[] | select(.kind == $k) | .installed and .synced' \
		"$T/snap.json" >/dev/null || fail "experimental: $k not discovered and synced: $(jq -c .source.kinds "$T/snap.json")"
done
ok "experimental: every v1.6 kind discovered and synced (x-k8s group included)"

jq -e '.listenerSets | length > 0' "$T/snap.json" >/dev/null || fail "no ListenerSet in the demo"
jq -e 'all(.listenerSets[]; (.conditions[] | select(.type == "Accepted") | .status) ==
		(.status.conditions[] | select(.type == "Accepted") | .status))' "$T/snap.json" >/dev/null ||
	fail "ListenerSet Accepted computed != reported: $(jq -c '[.listenerSets[] | {name, conditions, s: .status.conditions}]' "$T/snap.json")"
jq -e 'all((.gateways[], .listenerSets[]) | .listeners[] | select(.reportedAttachedRoutes != null);
		.attachedRoutes == .reportedAttachedRoutes)' "$T/snap.json" >/dev/null ||
	fail "attachedRoutes computed != reported"
jq -e 'all(.gateways[] | select(.status.attachedListenerSets != null);
		.attachedListenerSets == .status.attachedListenerSets)' "$T/snap.json" >/dev/null ||
	fail "attachedListenerSets computed != reported"
jq -e '[.listenerSets[].listeners[] | select(.tls.mode == "Passthrough") | .supportedKinds] == [["TLSRoute"]]' \
	"$T/snap.json" >/dev/null || fail "passthrough listener supportedKinds: $(jq -c '[.listenerSets[].listeners[]]' "$T/snap.json")"
jq -e '[.routes[] | select(.kind == "TLSRoute") | .parents[] | select(.kind == "ListenerSet") | .attached] | length > 0 and all' \
	"$T/snap.json" >/dev/null || fail "the demo TLSRoute is not attached to its ListenerSet"
jq -e 'all(.policies[]; .accepted and (.ancestors | length > 0) and all(.ancestors[]; .reported != null and
		(.reported[] | select(.type == "Accepted") | .status == "True")))' "$T/snap.json" >/dev/null ||
	fail "policy ancestors computed != reported: $(jq -c '[.policies[] | {name, ancestors}]' "$T/snap.json")"
jq -e '[.findings[] | select(.code | test("ListenerStatusDisagrees|PolicyStatusDisagrees|AttachedRoutesDiffer"))] | length == 0' \
	"$T/snap.json" >/dev/null || fail "status findings: $(jq -c '[.findings[] | select(.code | test("Disagree|Differ"))]' "$T/snap.json")"
ok "computed ListenerSet, listener, Gateway and policy status agrees with the sim's controller"

"$GAMMATOP" routes --kubeconfig "$T/kc" >"$T/routes.txt" 2>/dev/null || fail "routes"
grep -Eq '^[a-z-]+ +TLSRoute +' "$T/routes.txt" || fail "routes: no TLSRoute row: $(cat "$T/routes.txt")"
grep -E ' TLSRoute ' "$T/routes.txt" | grep -q 'lset/' || fail "routes: the TLSRoute's ListenerSet parent"
ok "routes lists the TLSRoute with its ListenerSet parent"
kill "$SIM_PID" 2>/dev/null
wait "$SIM_PID" 2>/dev/null

kube_start_sim std --demo --channel standard --kubeconfig-out "$T/kc2"
timeout 60 "$GAMMATOP" snapshot --kubeconfig "$T/kc2" >"$T/std.json" 2>"$T/err" ||
	{ cat "$T/err" >&2; fail "snapshot against the standard channel"; }
jq -e '[.source.kinds[] | select(.kind == "XBackendTrafficPolicy" or .kind == "XMesh") | .installed] == [false, false]
	and ([.source.kinds[] | select(.installed and (.synced | not))] | length == 0)
	and (.meshes | length == 0) and (.listenerSets | length > 0)' "$T/std.json" >/dev/null ||
	fail "standard channel: $(jq -c '.source.kinds' "$T/std.json")"
ok "standard channel: the x-k8s kinds are absent, the rest synced"
