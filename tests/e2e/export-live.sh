#!/bin/sh
# tests/e2e/export-live.sh: snapshot, routes and lint against a live cluster (gammatop-sim
# over TLS with a bearer token): the snapshot names the context and server and says how
# fresh every kind is, holds exactly the routes the sim lists, never the token; routes and
# lint agree with it; dot renders.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/kube-lib.sh"
command -v jq >/dev/null || skip "jq not installed"
command -v curl >/dev/null || skip "curl not installed"

TOKEN=tok-export-e2e-secret
kube_start_sim sim --tls "$T/tls" --token "$TOKEN" --generate routes=80,services=30 \
	--kubeconfig-out "$T/kc"
SIM_CURL_AUTH="--cacert $T/tls/ca.crt --oauth2-bearer $TOKEN"

timeout 60 "$GAMMATOP" snapshot --kubeconfig "$T/kc" >"$T/snap.json" 2>"$T/snap.err" ||
	{ cat "$T/snap.err" >&2; fail "snapshot against the sim failed"; }
jq -e --arg url "$SIM_URL" '.source.type == "cluster" and .source.server == $url
	and (.source.context | length > 0)
	and all(.source.kinds[]; has("kind") and has("synced") and has("lastHeard"))
	and ([.source.kinds[] | select(.installed and (.synced | not))] | length == 0)' \
	"$T/snap.json" >/dev/null || fail "snapshot source: $(jq -c .source "$T/snap.json")"
ok "snapshot names context and server, every installed kind synced"

kube_sim_list | awk '$1 == "HTTPRoute" || $1 == "GRPCRoute" {print $1, $2}' >"$T/want"
jq -r '.routes[] | "\(.kind) \(.namespace)/\(.name)"' "$T/snap.json" | LC_ALL=C sort >"$T/got"
[ -s "$T/want" ] || fail "the sim listed no routes"
diff -u "$T/want" "$T/got" || fail "the snapshot's routes differ from the sim's"
ok "snapshot holds the sim's $(wc -l <"$T/got") routes"

grep -q "$TOKEN" "$T/snap.json" && fail "the token is in the snapshot"
timeout 60 "$GAMMATOP" snapshot --kubeconfig "$T/kc" -o yaml >"$T/snap.yaml" 2>/dev/null ||
	fail "snapshot -o yaml against the sim"
grep -q "$TOKEN" "$T/snap.yaml" && fail "the token is in the YAML snapshot"
ok "no credential in the snapshot"

rules=$(jq '[.routes[].rules[]] | length' "$T/snap.json")
timeout 60 "$GAMMATOP" routes --kubeconfig "$T/kc" -o json >"$T/routes.json" 2>/dev/null ||
	fail "routes against the sim"
jq -e --argjson n "$rules" '.items | length == $n' "$T/routes.json" >/dev/null ||
	fail "routes -o json: $(jq '.items | length' "$T/routes.json") items for $rules rules"
timeout 60 "$GAMMATOP" routes --kubeconfig "$T/kc" >"$T/routes.txt" 2>/dev/null || fail "routes table"
[ "$(($(wc -l <"$T/routes.txt") - 1))" -eq "$rules" ] || fail "routes table: wrong number of lines"
ok "routes lists the $rules rules of the snapshot"

timeout 60 "$GAMMATOP" lint --kubeconfig "$T/kc" -o json >"$T/lint.json" 2>/dev/null
rc=$?
[ $rc -le 1 ] || fail "lint against the sim could not run (exit $rc)"
errors=$(jq '[.findings[] | select(.severity == "error")] | length' "$T/lint.json")
[ $rc -eq $([ "$errors" -gt 0 ] && echo 1 || echo 0) ] || fail "lint exit $rc with $errors errors"
jq -e --slurpfile s "$T/snap.json" '.findings == $s[0].findings' "$T/lint.json" >/dev/null ||
	fail "lint and snapshot disagree on the findings"
ok "lint: exit $rc with $errors error(s), the same findings as the snapshot"

if command -v dot >/dev/null 2>&1; then
	timeout 60 "$GAMMATOP" snapshot --kubeconfig "$T/kc" -o dot >"$T/g.dot" 2>/dev/null || fail "dot"
	dot -Tsvg "$T/g.dot" -o "$T/g.svg" || fail "dot -Tsvg rejects the live graph"
	ok "snapshot -o dot of the live cluster renders"
fi
exit 0
