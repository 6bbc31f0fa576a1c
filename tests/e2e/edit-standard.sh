#!/bin/sh
# edit-standard.sh: on a cluster whose HTTPRoute CRD is the standard channel (no retry field:
# the sim prunes it, as the API server does), setting retry is reported from the server's
# dry-run BEFORE anything is applied; timeouts still apply; Linkerd's annotations are the
# mesh's own way (--linkerd-annotations) and do apply.
. "$GT_SRCDIR/tests/e2e/lib.sh"
command -v jq >/dev/null || skip "jq not installed"
command -v curl >/dev/null || skip "curl not installed"
[ -x "$GAMMATOP_SIM" ] || skip "gammatop-sim not built"

start_sim --demo -v --channel standard --kubeconfig-out "$T/kc"
R="$SIM_URL/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes/storefront"
gt() { timeout 60 "$GAMMATOP" "$@" --kubeconfig "$T/kc" --cache "$T/cache.db" </dev/null; }
rv() { curl -sf "$R" | jq -r .metadata.resourceVersion; }

rv0=$(rv)
patches() { grep -c 'PATCH .*httproutes/storefront' "$SIM_LOG"; }
n0=$(patches)
if gt set shop/storefront --retry-attempts 2 --timeouts-backend-request 2s --yes >"$T/r.out" 2>"$T/r.err"; then
	fail "retry was 'applied' on a standard-channel CRD"; else rc=$?; fi
[ "$rc" = 1 ] || { cat "$T/r.out" "$T/r.err"; fail "exit $rc, expected 1"; }
grep -q 'no retry field' "$T/r.err" || { cat "$T/r.err"; fail "no standard-channel message"; }
grep -q 'standard' "$T/r.err" || fail "the message does not name the standard channel"
grep -q 'linkerd-annotations' "$T/r.err" || fail "no hint about Linkerd's annotations"
[ "$(rv)" = "$rv0" ] || fail "the route changed"
# One PATCH reached the sim: the dry-run (its log shows paths without the query).
[ "$(patches)" = $((n0 + 1)) ] || fail "expected only the dry-run PATCH, saw $(( $(patches) - n0 ))"
ok "standard channel reported before applying: $(cut -c1-110 "$T/r.err")..."

gt set shop/storefront --timeouts-backend-request 2s --yes >"$T/t.out" 2>"$T/t.err" ||
	{ cat "$T/t.out" "$T/t.err"; fail "a timeout change failed on the standard channel"; }
curl -sf "$R" | jq -e '.spec.rules[0].timeouts.backendRequest == "2s"' >/dev/null || fail "not applied"
ok "timeouts apply on the standard channel"

gt set shop/storefront --retry-attempts 2 --retry-codes 502,503 --linkerd-annotations --yes \
	>"$T/l.out" 2>"$T/l.err" || { cat "$T/l.out" "$T/l.err"; fail "--linkerd-annotations failed"; }
curl -sf "$R" | jq -e '.metadata.annotations["retry.linkerd.io/limit"] == "2" and
	.metadata.annotations["retry.linkerd.io/http"] == "502,503" and
	(.spec.rules[0].retry == null)' >/dev/null ||
	fail "annotations not set: $(curl -sf "$R" | jq -c .metadata.annotations)"
grep -q 'mesh: Linkerd' "$T/l.out" || fail "the effective Linkerd policy is not shown"
ok "--linkerd-annotations: $(curl -sf "$R" | jq -c '.metadata.annotations | with_entries(select(.key | test("linkerd")))')"
