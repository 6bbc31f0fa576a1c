#!/bin/sh
# telemetry-meshes.sh: `gammatop top` with a direct scrape of gammatop-sim's proxies for each
# mesh profile: Envoy Gateway gives per-rule figures (scope "rule"), Istio per destination
# service (scope "service"), and `--mesh auto` finds each. The traffic model is the one of
# telemetry-prometheus.sh (route r-fail: 40 rps, 10% failure; rule 1 of r-two: 10 rps;
# Istio: every rule's traffic counts toward its backend Service). Tolerance +-0.05 on shares,
# +-25% on rps. Bounded: about 20 s.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/kube-lib.sh"
command -v jq >/dev/null || skip "jq not installed"
export XDG_CACHE_HOME="$T/cache"

cat >"$T/routes.yaml" <<'EOF2'
apiVersion: v1
kind: Service
metadata: {name: web, namespace: tm}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: tm}
spec: {ports: [{port: 80}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: r-fail
  namespace: tm
  annotations: {sim.gammatop.dev/rps: "40", sim.gammatop.dev/failure: "10%"}
spec:
  parentRefs: [{group: "", kind: Service, name: web, port: 80}]
  rules: [{backendRefs: [{name: web, port: 80}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: r-two
  namespace: tm
  annotations: {sim.gammatop.dev/rps: "0:30;1:10", sim.gammatop.dev/failure: "0"}
spec:
  parentRefs: [{group: "", kind: Service, name: api, port: 80}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /a}}]
    backendRefs: [{name: api, port: 80}]
  - backendRefs: [{name: api, port: 80}]
EOF2

# field FILE SELECTOR: one value from top's JSON (jq filter on the routes array items).
val() { jq -r "[.routes[] | select($2)][0] | $3 // \"null\"" "$1"; }
near() { # NAME VALUE WANT TOL
	within "$2" "$3" "$4" ||
		fail "$1 = $2, want $3 +- $4"
	echo "    $1 = $2 (want $3 +- $4)"
}

for mesh in envoy-gateway istio; do
	kube_start_sim "sim-$mesh" --manifests "$T/routes.yaml" --mesh "$mesh" \
		--kubeconfig-out "$T/kc-$mesh"
	"$GAMMATOP" top --kubeconfig "$T/kc-$mesh" --sample 3 -o json >"$T/$mesh.json" \
		2>"$T/$mesh.err" || { cat "$T/$mesh.err" >&2; fail "top ($mesh)"; }
	case $mesh in
	envoy-gateway)
		[ "$(val "$T/$mesh.json" '.route == "httproute/tm/r-fail"' .scope)" = rule ] ||
			fail "envoy-gateway scope: $(cat "$T/$mesh.json")"
		near "r-fail rule 0 successRate" \
			"$(val "$T/$mesh.json" '.route == "httproute/tm/r-fail" and .rule == 0' .successRate)" 0.9 0.05
		near "r-fail rule 0 rps" \
			"$(val "$T/$mesh.json" '.route == "httproute/tm/r-fail" and .rule == 0' .rps)" 40 10
		near "r-two rule 0 rps" \
			"$(val "$T/$mesh.json" '.route == "httproute/tm/r-two" and .rule == 0' .rps)" 30 7.5
		near "r-two rule 1 rps" \
			"$(val "$T/$mesh.json" '.route == "httproute/tm/r-two" and .rule == 1' .rps)" 10 2.5
		ok "envoy-gateway: per-rule figures agree with the model" ;;
	istio)
		[ "$(val "$T/$mesh.json" '.route == "service/tm/web"' .scope)" = service ] ||
			fail "istio scope: $(cat "$T/$mesh.json")"
		near "service web successRate" \
			"$(val "$T/$mesh.json" '.route == "service/tm/web"' .successRate)" 0.9 0.05
		near "service api rps" "$(val "$T/$mesh.json" '.route == "service/tm/api"' .rps)" 40 10
		[ "$(val "$T/$mesh.json" '.route == "service/tm/api"' .retryRate)" = null ] ||
			fail "istio without Envoy cluster stats must not claim a retryRate"
		"$GAMMATOP" top --kubeconfig "$T/kc-$mesh" --sample 2 >"$T/$mesh.txt" 2>&1 ||
			fail "top table ($mesh)"
		grep -q 'service/web .*service' "$T/$mesh.txt" || fail "table: $(cat "$T/$mesh.txt")"
		ok "istio: per-service figures, said to be per service" ;;
	esac
	kill "$SIM_PID"
done

# A forced profile that does not match what the proxies serve: a clear error, exit 2.
kube_start_sim sim-l --manifests "$T/routes.yaml" --mesh linkerd --kubeconfig-out "$T/kc-l"
"$GAMMATOP" top --kubeconfig "$T/kc-l" --mesh istio --sample 1 -o json >"$T/none.json" \
	2>"$T/none.err"
rc=$?
[ "$rc" -eq 0 ] && [ "$(jq '.routes | length' "$T/none.json")" -eq 0 ] ||
	fail "forced wrong mesh: rc $rc, $(cat "$T/none.json" "$T/none.err")"
grep -q 'no istio series for any route' "$T/none.err" || fail "warning: $(cat "$T/none.err")"
ok "a forced profile that matches nothing gives no figures, not wrong ones"

# A meshed pod without prometheus.io annotations is scraped on its Linkerd admin port (the
# sim answers it with the namespace's page, so the route's traffic is now counted twice).
curl -sS -f -X POST -H 'Content-Type: application/json' "$SIM_URL/api/v1/namespaces/tm/pods" \
	-d '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"app-1","namespace":"tm"},
	     "spec":{"containers":[{"name":"linkerd-proxy","image":"x",
	       "ports":[{"name":"linkerd-admin","containerPort":4191}]}]}}' >/dev/null ||
	fail "create pod app-1"
"$GAMMATOP" top --kubeconfig "$T/kc-l" --sample 3 -o json >"$T/two.json" 2>"$T/two.err" ||
	{ cat "$T/two.err" >&2; fail "top with app-1"; }
near "r-fail rps with two proxies" \
	"$(val "$T/two.json" '.route == "httproute/tm/r-fail"' .rps)" 80 20
ok "pods with a linkerd-admin port are scraped too"
