#!/bin/sh
# telemetry-prometheus.sh: gammatop's figures against the sim's traffic model, through a real
# Prometheus (scraping the sim's metrics every second) and through a direct scrape of the
# proxy pods via the API server's pod proxy; then a PATCH raising a route's timeouts.request
# must visibly lower its timeoutRate; finally --offline answers from the cache. Skips when
# prometheus, jq or curl are missing. Bounded: about 50 s.
#
# Routes (Linkerd mesh, GAMMA parent Service tm/web) and what the model makes of them:
#   r-fail   40 rps, per-try failure 10%, no retry       -> successRate 0.90, timeoutRate 0,
#                                                           retryRate unknown (no series)
#   r-slow   20 rps, latency p50=100ms, timeouts.request=100ms
#                                                        -> timeoutRate 0.50 (half the tries
#                                                           take longer than the median)
#   r-retry  30 rps, failure 20%, retry.linkerd.io/http: 503, limit 2 (Linkerd reads its
#            retries from these annotations, not from HTTPRoute retry)
#                                                        -> retryRate 0.24/1.24 = 0.194,
#                                                           successRate 1-0.2^3 = 0.992,
#                                                           retrySuccessRate 0.80
# Tolerance: +-0.05 on every share (the model samples 2000 requests per rule; Prometheus
# extrapolates at window edges), +-25% on rps.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/kube-lib.sh"
command -v prometheus >/dev/null || skip "prometheus not installed"
command -v jq >/dev/null || skip "jq not installed"
command -v curl >/dev/null || skip "curl not installed"
export XDG_CACHE_HOME="$T/cache"

# r-fail and r-slow: tests/fixtures/telemetry/linkerd-routes.yaml; r-retry added here.
cat "$GT_SRCDIR/tests/fixtures/telemetry/linkerd-routes.yaml" >"$T/routes.yaml"
cat >>"$T/routes.yaml" <<'EOF'
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: r-retry
  namespace: tm
  annotations: {sim.gammatop.dev/rps: "30", sim.gammatop.dev/failure: "20%",
                sim.gammatop.dev/latency: "p50=5ms,p99=20ms",
                retry.linkerd.io/http: "503", retry.linkerd.io/limit: "2"}
spec:
  parentRefs: [{group: "", kind: Service, name: web, port: 80}]
  rules: [{backendRefs: [{name: web, port: 80}]}]
EOF

kube_start_sim sim --manifests "$T/routes.yaml" --metrics-port 0 --mesh linkerd \
	--kubeconfig-out "$T/kubeconfig"
[ -n "$SIM_METRICS_PORT" ] || fail "no metrics port in: $(cat "$T/sim.out")"

# A real Prometheus on a free port, scraping the sim every second.
start_prometheus "127.0.0.1:$SIM_METRICS_PORT"

# near FILE ROUTE FIELD WANT TOL: the route's figure is WANT +- TOL.
near() {
	_v=$(jq -r --arg r "httproute/tm/$2" --arg f "$3" \
		'.routes[] | select(.route == $r) | .[$f] // "null"' "$1")
	[ -n "$_v" ] && [ "$_v" != null ] || fail "$1: no $3 for $2"
	within "$_v" "$4" "$5" ||
		fail "$1: $2 $3 = $_v, want $4 +- $5"
	echo "    $2 $3 = $_v (want $4 +- $5)"
}
# unknown FILE ROUTE FIELD: the route's figure is null (unknown, never 0)
unknown() {
	_v=$(jq -r --arg r "httproute/tm/$2" --arg f "$3" \
		'.routes[] | select(.route == $r) | .[$f] // "null"' "$1")
	[ "$_v" = null ] || fail "$1: $2 $3 = $_v, want unknown (null)"
	echo "    $2 $3 unknown"
}
check_model() { # FILE
	near "$1" r-fail rps 40 10
	near "$1" r-fail successRate 0.90 0.05
	near "$1" r-fail timeoutRate 0 0.05
	unknown "$1" r-fail retryRate # no retry policy: Linkerd has no retry series for it
	near "$1" r-slow rps 20 5
	near "$1" r-slow timeoutRate 0.50 0.05
	near "$1" r-retry rps 30 7.5
	near "$1" r-retry retryRate 0.194 0.05
	near "$1" r-retry successRate 0.992 0.05
	near "$1" r-retry retrySuccessRate 0.80 0.05
	near "$1" r-retry timeoutRate 0 0.05
}

sleep 13 # more than the 10 s window of samples in Prometheus
"$GAMMATOP" top --kubeconfig "$T/kubeconfig" --prometheus "$PROM/" --window 10s -o json \
	>"$T/prom.json" 2>"$T/prom.err" || { cat "$T/prom.err" >&2; fail "top --prometheus"; }
jq -e '.source | startswith("prometheus http://127.0.0.1:")' "$T/prom.json" >/dev/null ||
	fail "source: $(jq .source "$T/prom.json")"
jq -e '[.routes[] | select(.scope == "route" and .rule == null)] | length == 3' \
	"$T/prom.json" >/dev/null || fail "expected 3 per-route figures: $(cat "$T/prom.json")"
check_model "$T/prom.json"
ok "figures through Prometheus agree with the traffic model"

"$GAMMATOP" top --kubeconfig "$T/kubeconfig" --sample 4 -o json >"$T/scrape.json" \
	2>"$T/scrape.err" || { cat "$T/scrape.err" >&2; fail "top (direct scrape)"; }
jq -e '.source | startswith("scrape")' "$T/scrape.json" >/dev/null || fail "scrape source"
check_model "$T/scrape.json"
ok "figures through the pod proxy scrape agree with the traffic model"

"$GAMMATOP" top --kubeconfig "$T/kubeconfig" --prometheus "$PROM" --window 10s \
	--sort timeoutRate >"$T/table.txt" 2>&1 || fail "top table: $(cat "$T/table.txt")"
head -1 "$T/table.txt" | grep -q 'TIMEOUT%   TRY-TMO%   RETRY%' || fail "table header: $(head -1 "$T/table.txt")"
sed -n 2p "$T/table.txt" | grep -q 'r-slow' || fail "r-slow should lead by timeoutRate"
"$GAMMATOP" top --kubeconfig "$T/kubeconfig" --prometheus "$PROM" --window 10s -o csv \
	>"$T/top.csv" || fail "top csv"
head -1 "$T/top.csv" | grep -q '^kind,namespace,name,rule,scope,rps,successRate,timeoutRate' ||
	fail "csv header: $(head -1 "$T/top.csv")"
grep -q '^HTTPRoute,tm,r-slow,,route,' "$T/top.csv" || fail "csv row for r-slow"
ok "table (sorted) and csv outputs"

# Raise r-slow's request timeout: its timeoutRate must fall.
curl -sS -f -X PATCH -H 'Content-Type: application/merge-patch+json' \
	"$SIM_URL/apis/gateway.networking.k8s.io/v1/namespaces/tm/httproutes/r-slow" \
	-d '{"spec":{"rules":[{"backendRefs":[{"name":"web","port":80}],"timeouts":{"request":"10s"}}]}}' \
	>/dev/null || fail "PATCH r-slow"
"$GAMMATOP" top --kubeconfig "$T/kubeconfig" --sample 4 -o json >"$T/scrape2.json" \
	2>"$T/scrape2.err" || { cat "$T/scrape2.err" >&2; fail "top after PATCH (scrape)"; }
near "$T/scrape2.json" r-slow timeoutRate 0 0.05
sleep 12
"$GAMMATOP" top --kubeconfig "$T/kubeconfig" --prometheus "$PROM" --window 10s -o json \
	>"$T/prom2.json" 2>"$T/prom2.err" || { cat "$T/prom2.err" >&2; fail "top after PATCH"; }
near "$T/prom2.json" r-slow timeoutRate 0 0.05
ok "raising timeouts.request lowered r-slow's timeoutRate (0.5 -> 0) in both paths"

# The scrapes were recorded: --offline answers from the cache and says how old it is.
"$GAMMATOP" top --kubeconfig "$T/kubeconfig" --offline --window 1m -o json >"$T/off.json" 2>"$T/off.err" ||
	{ cat "$T/off.err" >&2; fail "top --offline"; }
grep -q 'data is .* old' "$T/off.err" || fail "offline age: $(cat "$T/off.err")"
jq -e '[.routes[] | select(.route == "httproute/tm/r-fail")] | length == 1' "$T/off.json" \
	>/dev/null || fail "offline figures: $(cat "$T/off.json")"
near "$T/off.json" r-fail successRate 0.90 0.05
ok "--offline answers from the cache with the data's age"

# Errors a person can act on.
"$GAMMATOP" top --kubeconfig "$T/kubeconfig" --prometheus "http://127.0.0.1:1" -o json \
	>/dev/null 2>"$T/bad.err" && fail "unreachable Prometheus must fail"
grep -q 'prometheus http://127.0.0.1:1' "$T/bad.err" || fail "message: $(cat "$T/bad.err")"
"$GAMMATOP" top --kubeconfig "$T/kubeconfig" --prometheus "$PROM" --mesh istio -o json \
	>"$T/istio.json" 2>&1 || true
"$GAMMATOP" top --kubeconfig "$T/kubeconfig" --prometheus "$PROM" --mesh nope \
	>/dev/null 2>"$T/mesh.err" && fail "--mesh nope must fail"
grep -q 'expected auto|linkerd' "$T/mesh.err" || fail "mesh message: $(cat "$T/mesh.err")"
ok "clear errors for an unreachable Prometheus and an unknown mesh"
