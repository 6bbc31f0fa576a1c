#!/bin/sh
# sim-kubectl.sh: real kubectl works against gammatop-sim (a fidelity check of discovery,
# tables, watch, merge patch, server-side apply, delete, the pod proxy). Skips without kubectl.
. "$GT_SRCDIR/tests/e2e/lib.sh"
# The gcloud SDK's kubectl is a dispatcher; its kubectl.1.32 is plain kubectl 1.32.
KUBECTL=/usr/lib/google-cloud-sdk/bin/kubectl.1.32
[ -x "$KUBECTL" ] || KUBECTL=$(command -v kubectl) || skip "kubectl not installed"
command -v jq >/dev/null || skip "jq not installed"

# kubectl keeps a discovery cache under $HOME: use a private one
HOME="$T/home"
mkdir -p "$HOME"
export HOME
start_sim --demo --kubeconfig-out "$T/kubeconfig"
K() { "$KUBECTL" --kubeconfig "$T/kubeconfig" --request-timeout 10s "$@"; }

K version -o json >"$T/version" 2>&1 || fail "kubectl version: $(cat "$T/version")"
[ "$(jq -r .serverVersion.minor "$T/version")" = 32 ] || fail "server version: $(cat "$T/version")"
K api-resources >"$T/res" 2>&1 || fail "api-resources: $(cat "$T/res")"
grep -q '^httproutes .*gateway.networking.k8s.io/v1 .*true .*HTTPRoute' "$T/res" || fail "api-resources: $(cat "$T/res")"
grep -q '^gateways .*gtw' "$T/res" || fail "gateways shortname"
ok "kubectl version, api-resources"

K get httproutes -A >"$T/out" 2>&1 || fail "get httproutes -A: $(cat "$T/out")"
grep -q '^shop  *storefront ' "$T/out" || fail "get httproutes -A: $(cat "$T/out")"
[ "$(grep -c . "$T/out")" -gt 10 ] || fail "too few routes: $(cat "$T/out")"
K get svc -n shop -o json >"$T/svc" 2>&1 || fail "get svc -o json: $(cat "$T/svc")"
[ "$(jq -r '[.items[].metadata.name] | join(",")' "$T/svc")" = "frontend-api,storefront" ] || fail "svc json: $(head -c 300 "$T/svc")"
K get gtw -n ingress storefront -o jsonpath='{.status.listeners[1].attachedRoutes}' >"$T/out" 2>&1 || fail "get gtw"
[ "$(cat "$T/out")" -ge 2 ] || fail "attachedRoutes of https: $(cat "$T/out")"
K get grpcroutes,referencegrants -A >"$T/out" 2>&1 || fail "get grpcroutes,referencegrants: $(cat "$T/out")"
grep -q inventory-grpc "$T/out" && grep -q from-shop "$T/out" || fail "grpcroutes/referencegrants: $(cat "$T/out")"
K get pods -n shop -l app.kubernetes.io/name=gammatop-proxy -o name >"$T/out" 2>&1 || fail "get pods -l"
[ "$(cat "$T/out")" = pod/gammatop-proxy-shop ] || fail "proxy pod: $(cat "$T/out")"
K get gtw -A >"$T/out" 2>&1 || fail "get gtw -A"
grep -q '^ingress  *storefront  *gammatop  *[0-9.]*  *True ' "$T/out" || fail "Gateway columns: $(cat "$T/out")"
K get svc -n payments -o wide >"$T/out" 2>&1 || fail "get svc -o wide"
grep -q '^payments  *ClusterIP  *10\.96\.[0-9.]*  *<none>  *8080/TCP .*app=payments$' "$T/out" || fail "Service columns: $(cat "$T/out")"
K get httproutes -n shop >"$T/out" 2>&1 || fail "get httproutes -n shop"
grep -q '^storefront  *\["shop.example.com"\] ' "$T/out" || fail "HTTPRoute columns: $(cat "$T/out")"
ok "kubectl get: -A, -o json, jsonpath, shortnames, labels, a real cluster's columns"

# get -w prints the list, then the change made by a patch
K get httproutes -n inventory -w >"$T/watch" 2>&1 &
WP=$!
gt_track $WP
sleep 2
K patch httproute inventory -n inventory --type merge \
	-p '{"spec":{"rules":[{"backendRefs":[{"name":"inventory","port":8080}],"timeouts":{"request":"2s"}}]}}' >"$T/out" 2>&1 ||
	fail "patch: $(cat "$T/out")"
grep -q 'httproute.gateway.networking.k8s.io/inventory patched' "$T/out" || fail "patch output: $(cat "$T/out")"
wait_for "[ \$(grep -c '^inventory ' '$T/watch') -ge 2 ]" 10 || fail "get -w saw no change: $(cat "$T/watch")"
kill $WP 2>/dev/null
[ "$(K get httproute inventory -n inventory -o jsonpath='{.spec.rules[0].timeouts.request}/{.metadata.generation}')" = 2s/2 ] ||
	fail "patched route"
ok "kubectl get -w, patch --type merge"

if K patch httproute inventory -n inventory --type merge \
	-p '{"spec":{"rules":[{"backendRefs":[{"name":"inventory","port":8080}],"timeouts":{"request":"1s","backendRequest":"5s"}}]}}' >"$T/out" 2>&1; then
	fail "an invalid patch was accepted"
fi
grep -q 'backendRequest timeout cannot be longer than request timeout' "$T/out" || fail "invalid patch message: $(cat "$T/out")"
if K patch httproute inventory -n inventory --type merge -p '{"metadata":{"resourceVersion":"1"},"spec":{"hostnames":["a.example.com"]}}' >"$T/out" 2>&1; then
	fail "a stale patch was accepted"
fi
grep -q 'the object has been modified' "$T/out" || fail "409 message: $(cat "$T/out")"
if K patch httproute inventory -n inventory -p '{"metadata":{"labels":{"a":"b"}}}' >"$T/out" 2>&1; then
	fail "a strategic merge patch of a CRD was accepted"
fi
ok "kubectl sees 422 Invalid and 409 Conflict"

cat >"$T/route.yaml" <<'EOF'
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: kubectl-applied
  namespace: shop
  labels:
    owner: e2e
spec:
  parentRefs:
  - name: storefront
    namespace: ingress
    sectionName: https
  hostnames: ["shop.example.com"]
  rules:
  - matches:
    - path: {type: PathPrefix, value: /e2e}
    backendRefs:
    - name: frontend-api
      port: 8080
    timeouts:
      request: 5s
EOF
K apply --server-side --validate=false -f "$T/route.yaml" >"$T/out" 2>&1 || fail "apply --server-side: $(cat "$T/out")"
grep -q 'httproute.gateway.networking.k8s.io/kubectl-applied serverside-applied' "$T/out" || fail "apply output: $(cat "$T/out")"
K apply --server-side --validate=false -f "$T/route.yaml" >"$T/out" 2>&1 || fail "re-apply: $(cat "$T/out")"
sed 's/5s/7s/' "$T/route.yaml" >"$T/route2.yaml"
K apply --server-side --validate=false --dry-run=server -f "$T/route2.yaml" >"$T/out" 2>&1 || fail "apply dry-run: $(cat "$T/out")"
[ "$(K get httproute kubectl-applied -n shop -o jsonpath='{.spec.rules[0].timeouts.request}')" = 5s ] || fail "dry-run persisted"
K get httproute kubectl-applied -n shop --show-managed-fields -o json >"$T/obj" || fail "get applied"
[ "$(jq -r '.metadata.managedFields[0].manager' "$T/obj")" = kubectl ] || fail "manager: $(jq .metadata.managedFields "$T/obj")"
[ "$(jq -r '.status.parents[0].conditions[] | select(.type=="Accepted") | .status' "$T/obj")" = True ] ||
	fail "applied route not accepted: $(jq .status "$T/obj")"
K patch httproute kubectl-applied -n shop --type merge -p '{"spec":{"rules":[{"backendRefs":[{"name":"frontend-api","port":8080}],"timeouts":{"request":"9s"}}]}}' >/dev/null ||
	fail "patch applied route"
if K apply --server-side --validate=false -f "$T/route.yaml" >"$T/out" 2>&1; then
	fail "apply over another manager's change did not conflict"
fi
grep -qi 'conflict' "$T/out" || fail "conflict output: $(cat "$T/out")"
K apply --server-side --force-conflicts --validate=false -f "$T/route.yaml" >"$T/out" 2>&1 || fail "force: $(cat "$T/out")"
ok "kubectl apply --server-side (create, re-apply, dry-run, conflict, force)"

# with kubectl's default validation (it reads /openapi/v3), and client-side apply and create
sed 's/kubectl-applied/validated/' "$T/route.yaml" >"$T/route3.yaml"
K apply --server-side -f "$T/route3.yaml" >"$T/out" 2>&1 || fail "apply --server-side with validation: $(cat "$T/out")"
sed 's/kubectl-applied/client-side/' "$T/route.yaml" >"$T/route4.yaml"
K apply -f "$T/route4.yaml" >"$T/out" 2>&1 || fail "client-side apply: $(cat "$T/out")"
grep -q 'client-side created' "$T/out" || fail "client-side apply output: $(cat "$T/out")"
sed 's/5s/6s/' "$T/route4.yaml" >"$T/route5.yaml"
K apply -f "$T/route5.yaml" >"$T/out" 2>&1 || fail "client-side re-apply: $(cat "$T/out")"
[ "$(K get httproute client-side -n shop -o jsonpath='{.spec.rules[0].timeouts.request}')" = 6s ] || fail "client-side apply result"
sed 's/kubectl-applied/created/' "$T/route.yaml" >"$T/route6.yaml"
K create -f "$T/route6.yaml" >"$T/out" 2>&1 || fail "create: $(cat "$T/out")"
if K create -f "$T/route6.yaml" >"$T/out" 2>&1; then fail "create twice"; fi
grep -q 'AlreadyExists\|already exists' "$T/out" || fail "AlreadyExists: $(cat "$T/out")"
ok "kubectl apply/create with default validation"

K get --raw "/api/v1/namespaces/payments/pods/gammatop-proxy-payments:4191/proxy/metrics" >"$T/metrics" 2>&1 ||
	fail "pod proxy: $(head -5 "$T/metrics")"
grep -q 'route_name="payments"' "$T/metrics" || fail "proxy metrics: $(head -5 "$T/metrics")"
if grep -q 'route_namespace="shop"' "$T/metrics"; then fail "proxy metrics of another namespace"; fi
ok "kubectl get --raw through the pod proxy"

K delete httproute kubectl-applied -n shop >"$T/out" 2>&1 || fail "delete: $(cat "$T/out")"
if K get httproute kubectl-applied -n shop >"$T/out" 2>&1; then fail "deleted route still there"; fi
grep -q 'NotFound\|not found' "$T/out" || fail "not found message: $(cat "$T/out")"
ok "kubectl delete, NotFound"
stop_sim || fail "unclean exit: $(tail -20 "$SIM_LOG")"
