#!/bin/sh
# tests/e2e/export-telemetry.sh: snapshot and routes with telemetry: gammatop-sim serves a
# Linkerd mesh with a known traffic model, a real Prometheus scrapes it on 127.0.0.1; then
# `snapshot --prometheus` has a telemetry section and `routes --prometheus` figure columns
# whose values match the model (r-slow: half its requests hit the 100ms request timeout;
# r-fail: 90% success), the same figures in both; without a telemetry source, or with
# --no-telemetry, neither appears; an unreachable Prometheus leaves the export intact.
# Tolerance +-0.08 on shares: the point is the plumbing (0.5 versus 0 is far apart), and
# Prometheus extrapolates at the window's edges. Skips without prometheus, jq or curl.
# Bounded: about 30 s.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/kube-lib.sh"
command -v prometheus >/dev/null || skip "prometheus not installed"
command -v jq >/dev/null || skip "jq not installed"
command -v curl >/dev/null || skip "curl not installed"
export XDG_CACHE_HOME="$T/cache"

cat "$GT_SRCDIR/tests/fixtures/telemetry/linkerd-routes.yaml" >"$T/routes.yaml"

kube_start_sim sim --manifests "$T/routes.yaml" --metrics-port 0 --mesh linkerd \
	--kubeconfig-out "$T/kc"
[ -n "$SIM_METRICS_PORT" ] || fail "no metrics port in: $(cat "$T/sim.out")"
start_prometheus "127.0.0.1:$SIM_METRICS_PORT"
sleep 12 # more than the 10 s window


g() { _c=$1; shift; "$GAMMATOP" "$_c" --kubeconfig "$T/kc" "$@"; }
g snapshot --prometheus "$PROM" --window 10s >"$T/snap.json" 2>"$T/snap.err" ||
	{ cat "$T/snap.err" >&2; fail "snapshot --prometheus"; }
jq -e '.telemetry.window == "10s" and (.telemetry.source | startswith("prometheus http://127.0.0.1:"))' \
	"$T/snap.json" >/dev/null || fail "telemetry section: $(jq -c .telemetry "$T/snap.json")"
tr=$(jq -r '.telemetry.routes[] | select(.route == "httproute/tm/r-slow") | .timeoutRate' "$T/snap.json")
sr=$(jq -r '.telemetry.routes[] | select(.route == "httproute/tm/r-fail") | .successRate' "$T/snap.json")
within "$tr" 0.5 0.08 || fail "snapshot: r-slow timeoutRate $tr, want 0.5 +- 0.08"
within "$sr" 0.9 0.08 || fail "snapshot: r-fail successRate $sr, want 0.9 +- 0.08"
jq -e '.telemetry.routes[] | select(.route == "httproute/tm/r-slow") | has("rule") and has("scope")
	and has("rps") and has("retryRate") and has("latencyP99Ms")' "$T/snap.json" >/dev/null ||
	fail "telemetry route entry lacks fields"
ok "snapshot --prometheus: telemetry section (r-slow timeoutRate $tr, r-fail successRate $sr)"

g routes --prometheus "$PROM" --window 10s >"$T/routes.txt" 2>"$T/routes.err" ||
	{ cat "$T/routes.err" >&2; fail "routes --prometheus"; }
head -1 "$T/routes.txt" | grep -Eq 'RETRY +SCOPE +RPS +SUCCESS +TIMEOUT% +TRY-TMO% +RETRY%$' ||
	fail "routes header: $(head -1 "$T/routes.txt")"
cell=$(grep ' r-slow ' "$T/routes.txt" | awk '{print $(NF-2)}' | tr -d %)
within "$cell" 50 8 || fail "routes: r-slow TIMEOUT% $cell%, want 50% +- 8"
grep ' r-slow ' "$T/routes.txt" | grep -q ' route ' || fail "routes: no scope for r-slow"
g routes --prometheus "$PROM" --window 10s -o wide | head -1 | grep -q 'P99$' ||
	fail "routes -o wide lacks the latency columns"
g routes --prometheus "$PROM" --window 10s -o json >"$T/routes.json" 2>/dev/null || fail "routes -o json"
jt=$(jq -r '.items[] | select(.route == "r-slow") | .figures.timeoutRate' "$T/routes.json")
within "$jt" 0.5 0.08 || fail "routes -o json: r-slow figures.timeoutRate $jt"
ok "routes --prometheus: figure columns and JSON figures (r-slow ${cell}% timeouts)"

g snapshot --prometheus "$PROM" --window 10s -o dot >"$T/g.dot" 2>/dev/null || fail "snapshot -o dot"
grep 'r-slow' "$T/g.dot" | grep -Eq 'rps \| timeout% [0-9.]+% \| retry% ([0-9.]+%|-) \(route\)' ||
	fail "no figures under r-slow in the graph: $(grep r-slow "$T/g.dot")"
if command -v dot >/dev/null 2>&1; then
	dot -Tsvg "$T/g.dot" -o "$T/g.svg" || fail "the graph with figures does not render"
fi
ok "snapshot -o dot --prometheus: figures under each route"

g snapshot >"$T/plain.json" 2>/dev/null || fail "snapshot without telemetry"
jq -e 'has("telemetry") | not' "$T/plain.json" >/dev/null || fail "telemetry without a source"
g snapshot --prometheus "$PROM" --no-telemetry >"$T/nt.json" 2>/dev/null || fail "--no-telemetry"
jq -e 'has("telemetry") | not' "$T/nt.json" >/dev/null || fail "--no-telemetry still collected"
g routes | head -1 | grep -q SCOPE && fail "routes shows figure columns without a source"
ok "no telemetry without a source or with --no-telemetry"

g snapshot --prometheus "http://127.0.0.1:1" >"$T/down.json" 2>"$T/down.err" ||
	fail "snapshot must still export when Prometheus is down"
jq -e '(has("telemetry") | not) and (.routes | length) == 2' "$T/down.json" >/dev/null ||
	fail "snapshot with Prometheus down"
grep -q 'continuing without telemetry' "$T/down.err" || fail "no message: $(cat "$T/down.err")"
ok "Prometheus down: the export goes on without telemetry and says so"
exit 0
