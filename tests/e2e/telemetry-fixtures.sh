#!/bin/sh
# telemetry-fixtures.sh: `gammatop top` through the API server's pod proxy against exposition
# pages in the proxies' real formats (tests/fixtures/telemetry, README.md there names the
# upstream source of each), served by gammatop-sim --metrics-fixtures: page .0 at the first
# scrape, .1 at the second. For every scenario the expected figures are computed here, from the
# pages' own numbers (awk, by the definitions of doc/telemetry.md), and compared with top's
# JSON: Linkerd caller pods in another namespace than the routes (`top -n shop`), Linkerd stream
# and idle timeouts, a route without retry policy (retries unknown, not 0), Envoy Gateway's
# proxies in envoy-gateway-system with recovered per-try timeouts and a backend that is down
# (connect failures), Istio clients without a sidecar, an ambient waypoint. Ratios to 1e-6;
# rates to 30% (the interval between scrapes is measured, not exact). Then the same pages
# through a real Prometheus scraping them through the pod proxy (ratios to 0.005 + 10%; skipped
# without prometheus). Bounded: about 70 s.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/kube-lib.sh"
command -v jq >/dev/null || skip "jq not installed"
FX="$GT_SRCDIR/tests/fixtures/telemetry"
[ -r "$FX/linkerd-caller.0.om" ] || skip "no fixtures at $FX"
export XDG_CACHE_HOME="$T/cache"

cat >"$T/ns.yaml" <<'EOY'
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Namespace
metadata: {name: clients}
---
apiVersion: v1
kind: Namespace
metadata: {name: envoy-gateway-system}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec:
  parentRefs: [{group: "", kind: Service, name: web, port: 80}]
  rules: [{backendRefs: [{name: web, port: 80}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: slow, namespace: shop}
spec:
  parentRefs: [{group: "", kind: Service, name: slow, port: 80}]
  rules: [{backendRefs: [{name: slow, port: 80}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: cart-grpc, namespace: shop}
spec:
  parentRefs: [{group: "", kind: Service, name: cart, port: 8080}]
  rules: [{backendRefs: [{name: cart, port: 8080}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web-gw, namespace: shop}
spec:
  parentRefs: [{name: eg, namespace: envoy-gateway-system}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /api}}]
    backendRefs: [{name: web, port: 80}]
  - backendRefs: [{name: down, port: 80}]
EOY

# d FIXTURE METRIC LABEL-REGEX: the increase from page .0 to page .1 of the samples of METRIC
# whose label text matches LABEL-REGEX (an ERE; "" matches all).
d() {
	awk -v m="$2" -v re="$3" '
		/^#/ { next }
		{ i = index($0, "{"); if (!i) next
		  name = substr($0, 1, i - 1); if (name != m) next
		  j = index($0, "} "); labels = substr($0, i + 1, j - i - 1)
		  if (re != "" && labels !~ re) next
		  v = substr($0, j + 2) + 0
		  if (FILENAME ~ /\.1\.[a-z]+$/) s += v; else s -= v }
		END { printf "%.10g\n", s }' "$FX/$1".0.* "$FX/$1".1.*
}
# ratio A B: A / B, or null when B is 0
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "null"; else printf "%.10g\n", a / b }'; }
sum() { awk 'BEGIN { s = 0; for (i = 1; i < ARGC; i++) s += ARGV[i]; printf "%.10g\n", s }' "$@"; }

# pod NS NAME FIXTURE PORT PATH: a pod asking to be scraped whose page is FIXTURE
pod() {
	curl -sS -f -X POST -H 'Content-Type: application/json' "$SIM_URL/api/v1/namespaces/$1/pods" \
		-d "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"$2\",\"namespace\":\"$1\",
		     \"annotations\":{\"prometheus.io/scrape\":\"true\",\"prometheus.io/port\":\"$4\",
		       \"prometheus.io/path\":\"$5\",\"sim.gammatop.dev/metrics-fixture\":\"$3\"}},
		     \"spec\":{\"containers\":[{\"name\":\"proxy\",\"image\":\"x\"}]}}" >/dev/null ||
		fail "create pod $1/$2"
}

# top MESH [args]: top's JSON through a fresh simulator with the pods listed in $T/pods (lines
# of pod arguments); the first scrape reads pages .0, the second pages .1.
top() {
	_mesh=$1; shift
	kube_start_sim "sim-$_mesh" --manifests "$T/ns.yaml" --metrics-fixtures "$FX" \
		--kubeconfig-out "$T/kc-$_mesh"
	while read -r a b c e f; do pod "$a" "$b" "$c" "$e" "$f"; done <"$T/pods"
	"$GAMMATOP" top --kubeconfig "$T/kc-$_mesh" --mesh "$_mesh" --sample 2 -o json "$@" \
		>"$T/$_mesh.json" 2>"$T/$_mesh.err" || { cat "$T/$_mesh.err" >&2; fail "top ($_mesh)"; }
	kill "$SIM_PID"
	WIN=$(jq -r '.window' "$T/$_mesh.json" | tr -d s)
}

# check FILE ROUTE RULE FIELD WANT: a figure equals WANT (null, or within 1e-6)
check() {
	got=$(jq -r --arg r "$2" --argjson i "$3" \
		"[.routes[] | select(.route == \$r and (.rule // -1) == \$i)][0] | .$4 // \"null\"" "$1")
	if [ "$5" = null ] || [ "$got" = null ]; then
		[ "$got" = "$5" ] || fail "$2 rule $3 $4 = $got, want $5 ($(cat "$1"))"
	else
		_tol=$(awk -v w="$5" -v t="${TOL:-0.000001}" -v r="${REL:-0}" 'BEGIN { print t + r * w }')
		within "$got" "$5" "$_tol" || fail "$2 rule $3 $4 = $got, want $5 +- $_tol"
	fi
	echo "    $2 rule $3 $4 = $got (want $5)"
}
# rps FILE ROUTE RULE REQUESTS: rps * window within 30% of the increase
rps() {
	got=$(jq -r --arg r "$2" --argjson i "$3" \
		"[.routes[] | select(.route == \$r and (.rule // -1) == \$i)][0] | .rps // \"null\"" "$1")
	[ "$got" != null ] || fail "$2 rule $3: no rps ($(cat "$1"))"
	n=$(awk -v r="$got" -v w="$WIN" 'BEGIN { printf "%.6g\n", r * w }')
	within "$n" "$4" "$(awk -v w="$4" 'BEGIN { print w * 0.3 }')" ||
		fail "$2 rule $3: rps $got over ${WIN}s = $n requests, want $4"
	echo "    $2 rule $3 rps $got over ${WIN}s (want $4 requests)"
}

# ---- Linkerd: the callers' pods (namespace clients) carry the routes of namespace shop ----
L=outbound_http_route_request_statuses_total
G=outbound_grpc_route_request_statuses_total
W='route_namespace="shop",route_name="web"'
LK_PODS="clients app-7f9 linkerd-caller 4191 /metrics
shop slow-5c2 linkerd-timeouts 4191 /metrics"
EG_PODS="envoy-gateway-system envoy-default-eg-5d8 envoy-gateway 19001 /stats/prometheus"
IS_PODS="clients web-6d4 istio-client 15020 /stats/prometheus
shop cart-7b1 istio-server 15020 /stats/prometheus
shop waypoint-5f7 istio-waypoint 15020 /stats/prometheus"

check_linkerd() { # FILE
F=$1
req=$(d linkerd-caller $L "$W")
ok_=$(d linkerd-caller $L "$W.*http_status=\"[^5\"][^\"]*\",error=\"\"")
tmo=$(d linkerd-caller $L "$W.*error=\"(REQUEST_TIMEOUT|RESPONSE_HEADERS_TIMEOUT|RESPONSE_STREAM_TIMEOUT|IDLE_TIMEOUT)\"")
rty=$(d linkerd-caller outbound_http_route_retry_requests_total "$W")
rok=$(d linkerd-caller outbound_http_route_retry_successes_total "$W")
exh=$(sum "$(d linkerd-caller outbound_http_route_retry_limit_exceeded_total "$W")" \
	"$(d linkerd-caller outbound_http_route_retry_overflow_total "$W")")
[ -n "$WIN" ] && rps "$F" httproute/shop/web -1 "$req"
[ "$(jq -r '.routes[] | select(.route == "httproute/shop/web") | .scope' "$F")" = route ] ||
	fail "linkerd figures are per route"
check "$F" httproute/shop/web -1 successRate "$(ratio "$ok_" "$req")"
check "$F" httproute/shop/web -1 timeoutRate "$(ratio "$tmo" "$req")"
check "$F" httproute/shop/web -1 retryRate "$(ratio "$rty" "$(sum "$req" "$rty")")"
check "$F" httproute/shop/web -1 retrySuccessRate "$(ratio "$rok" "$rty")"
check "$F" httproute/shop/web -1 retriesExhaustedRate "$(ratio "$exh" "$req")"
check "$F" httproute/shop/web -1 tryTimeoutRate null
# gRPC: grpc_status="UNKNOWN" with an error is a failure; no retry policy: retries unknown
C='route_name="cart-grpc"'
req=$(d linkerd-caller $G "$C")
check "$F" grpcroute/shop/cart-grpc -1 successRate \
	"$(ratio "$(d linkerd-caller $G "$C.*grpc_status=\"OK\",error=\"\"")" "$req")"
check "$F" grpcroute/shop/cart-grpc -1 timeoutRate \
	"$(ratio "$(d linkerd-caller $G "$C.*error=\"REQUEST_TIMEOUT\"")" "$req")"
check "$F" grpcroute/shop/cart-grpc -1 retryRate null
# stream and idle timeouts end requests too; a route without retry series: unknown, not 0
S='route_name="slow"'
req=$(d linkerd-timeouts $L "$S")
check "$F" httproute/shop/slow -1 timeoutRate \
	"$(ratio "$(d linkerd-timeouts $L "$S.*error=\"(REQUEST_TIMEOUT|RESPONSE_HEADERS_TIMEOUT|RESPONSE_STREAM_TIMEOUT|IDLE_TIMEOUT)\"")" "$req")"
check "$F" httproute/shop/slow -1 retryRate null
check "$F" httproute/shop/slow -1 retrySuccessRate null
[ "$(jq '[.routes[] | select(.route | test("default|/http$"))] | length' "$F")" -eq 0 ] ||
	fail "the synthesized default route is no HTTPRoute"
}

check_envoy_gateway() { # FILE
F=$1

# ---- Envoy Gateway: proxies in envoy-gateway-system ----
E=envoy_cluster
for i in 0 1; do
	K="envoy_cluster_name=\"httproute/shop/web-gw/rule/$i\""
	req=$(d envoy-gateway ${E}_upstream_rq_xx "$K")  # each request charged once when it ends
	good=$(d envoy-gateway ${E}_upstream_rq_xx "$K.*class=\"[234]\"")
	rty=$(d envoy-gateway ${E}_upstream_rq_retry "$K")
	[ -n "$WIN" ] && rps "$F" httproute/shop/web-gw $i "$req"
	check "$F" httproute/shop/web-gw $i successRate "$(ratio "$good" "$req")"
	check "$F" httproute/shop/web-gw $i timeoutRate \
		"$(ratio "$(d envoy-gateway ${E}_upstream_rq_timeout "$K")" "$req")"
	check "$F" httproute/shop/web-gw $i tryTimeoutRate \
		"$(ratio "$(d envoy-gateway ${E}_upstream_rq_per_try_timeout "$K")" "$(sum "$req" "$rty")")"
	check "$F" httproute/shop/web-gw $i retryRate "$(ratio "$rty" "$(sum "$req" "$rty")")"
	check "$F" httproute/shop/web-gw $i retrySuccessRate \
		"$(ratio "$(d envoy-gateway ${E}_upstream_rq_retry_success "$K")" "$rty")"
	check "$F" httproute/shop/web-gw $i retriesExhaustedRate "$(ratio "$(sum \
		"$(d envoy-gateway ${E}_upstream_rq_retry_limit_exceeded "$K")" \
		"$(d envoy-gateway ${E}_upstream_rq_retry_overflow "$K")")" "$req")"
done
}

check_istio() { # FILE
F=$1

# ---- Istio: a sidecar client, a server whose clients have no sidecar, an ambient waypoint ----
I=istio_requests_total
K='destination_service_name="cart"'
CL='(reporter="(source|waypoint)"|reporter="destination",source_workload="unknown")'
req=$(sum "$(d istio-client $I "$CL.*$K")" "$(d istio-server $I "$CL.*$K")")
bad=$(sum "$(d istio-client $I "$CL.*$K.*response_code=\"5")" "$(d istio-server $I "$CL.*$K.*response_code=\"5")")
tmo=$(sum "$(d istio-client $I "$CL.*$K.*response_flags=\"([^\"]*,)?UT(,[^\"]*)?\"")" \
	"$(d istio-server $I "$CL.*$K.*response_flags=\"([^\"]*,)?UT(,[^\"]*)?\"")")
rty=$(d istio-client ${E}_upstream_rq_retry 'cart[.]shop')
[ -n "$WIN" ] && rps "$F" service/shop/cart -1 "$req"
check "$F" service/shop/cart -1 successRate "$(awk -v b="$bad" -v r="$req" 'BEGIN { printf "%.10g\n", 1 - b / r }')"
check "$F" service/shop/cart -1 timeoutRate "$(ratio "$tmo" "$req")"
check "$F" service/shop/cart -1 retryRate "$(ratio "$rty" "$(sum "$req" "$rty")")"
check "$F" service/shop/cart -1 retrySuccessRate \
	"$(ratio "$(d istio-client ${E}_upstream_rq_retry_success 'cart[.]shop')" "$rty")"
check "$F" service/shop/cart -1 tryTimeoutRate \
	"$(ratio "$(d istio-client ${E}_upstream_rq_per_try_timeout 'cart[.]shop')" "$(sum "$req" "$rty")")"
K='destination_service_name="orders"'
req=$(d istio-waypoint $I "reporter=\"waypoint\".*$K")
rty=$(d istio-waypoint ${E}_upstream_rq_retry 'inbound-vip[|].*orders[.]shop')
[ -n "$WIN" ] && rps "$F" service/shop/orders -1 "$req"
check "$F" service/shop/orders -1 timeoutRate \
	"$(ratio "$(d istio-waypoint $I "reporter=\"waypoint\".*$K.*response_flags=\"UT\"")" "$req")"
check "$F" service/shop/orders -1 retryRate "$(ratio "$rty" "$(sum "$req" "$rty")")"
[ "$(jq -r '.routes[] | select(.route == "service/shop/cart") | .scope' "$F")" = service ] ||
	fail "istio figures must say they are per service"
[ "$(jq '[.routes[] | select(.route == "service/shop/db")] | length' "$F")" -eq 0 ] ||
	fail "ztunnel TCP metrics are no request figures"
}

# ---- through the pod proxy: two scrapes, pages .0 then .1 ----
echo "$LK_PODS" >"$T/pods"; top linkerd -n shop; check_linkerd "$T/linkerd.json"
ok "linkerd: callers in another namespace, stream/idle timeouts, no retry policy"
echo "$EG_PODS" >"$T/pods"; top envoy-gateway -n shop; check_envoy_gateway "$T/envoy-gateway.json"
ok "envoy-gateway: recovered per-try timeouts apart from request timeouts; a backend down (connect failures) still has its requests"
echo "$IS_PODS" >"$T/pods"; top istio -n shop; check_istio "$T/istio.json"
ok "istio: clients without a sidecar counted once, ambient waypoint retries, per service"

# ---- through a real Prometheus scraping the same pages through the pod proxy ----
# Every pod is a job (page .0 at its first scrape, .1 ever after); top --prometheus asks for
# rate()s over a window that holds all the samples. Prometheus extrapolates each series to
# the window's edges (less for a series that started near 0), and on a loaded machine the
# samples come irregularly, so figures agree to 0.005 + 10% of the expected value.
command -v prometheus >/dev/null || { echo "SKIP: no prometheus: the Prometheus leg"; exit 0; }
kube_start_sim sim-prom --manifests "$T/ns.yaml" --metrics-fixtures "$FX" --kubeconfig-out "$T/kc-prom"
printf '%s\n%s\n%s\n' "$LK_PODS" "$EG_PODS" "$IS_PODS" >"$T/pods"
{
	echo "global: {scrape_interval: 1s, evaluation_interval: 1s}"
	echo "scrape_configs:"
	while read -r a b c e f; do
		pod "$a" "$b" "$c" "$e" "$f"
		echo "  - job_name: $a-$b"
		echo "    metrics_path: /api/v1/namespaces/$a/pods/$b:$e/proxy$f"
		echo "    static_configs: [{targets: ['127.0.0.1:$SIM_PORT'], labels: {pod: $b}}]"
	done <"$T/pods"
} >"$T/prom-fixtures.yml"
run_prometheus "$T/prom-fixtures.yml"
wait_for "[ \$(curl -sf '$PROM/api/v1/query?query=count(up==1)' | jq -r '.data.result[0].value[1] // 0') -eq 6 ]" 30 ||
	fail "prometheus: not every fixture pod is scraped: $(curl -s "$PROM/api/v1/targets" | head -c 2000)"
sleep 12 # a dozen samples of page .1 after the one of page .0
WIN="" TOL=0.005 REL=0.1
for mesh in linkerd envoy-gateway istio; do
	"$GAMMATOP" top --kubeconfig "$T/kc-prom" --prometheus "$PROM" --mesh $mesh --window 1m \
		-n shop -o json >"$T/prom-$mesh.json" 2>"$T/prom-$mesh.err" ||
		{ cat "$T/prom-$mesh.err" >&2; fail "top --prometheus ($mesh)"; }
done
check_linkerd "$T/prom-linkerd.json"
check_envoy_gateway "$T/prom-envoy-gateway.json"
check_istio "$T/prom-istio.json"
ok "the same figures through a real Prometheus (linkerd, envoy-gateway, istio)"
