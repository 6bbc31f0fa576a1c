#!/bin/sh
# edit-conflict.sh: a change made by someone else (curl, as kubectl would) between gammatop's
# read and its apply gives a conflict, not an overwrite: the other change survives, gammatop
# says what changed meanwhile, exits 1, and the audit log records the conflict. Run again,
# the change applies on top of the new version. Uses the test-only pause hook
# GAMMATOP_TEST_PAUSE_BEFORE_APPLY=FILE (wait before the real PATCH until FILE exists).
. "$GT_SRCDIR/tests/e2e/lib.sh"
command -v jq >/dev/null || skip "jq not installed"
command -v curl >/dev/null || skip "curl not installed"
[ -x "$GAMMATOP_SIM" ] || skip "gammatop-sim not built"

start_sim --demo --kubeconfig-out "$T/kc"
R="$SIM_URL/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes/storefront"
gt() { timeout 90 "$GAMMATOP" "$@" --kubeconfig "$T/kc" --cache "$T/cache.db" </dev/null; }

GAMMATOP_TEST_PAUSE_BEFORE_APPLY="$T/go" gt set shop/storefront --timeouts-request 12s --yes \
	>"$T/set.out" 2>"$T/set.err" &
pid=$!
gt_track "$pid"
wait_for "grep -q 'test hook: waiting for' '$T/set.err'" 30 || { cat "$T/set.err"; fail "set never reached the apply"; }

# Someone else changes the route meanwhile.
curl -sf -X PATCH -H 'Content-Type: application/merge-patch+json' \
	--data '{"spec":{"hostnames":["shop.example.com","www.shop.example.com"]}}' "$R" >/dev/null ||
	fail "the concurrent change failed"
touch "$T/go"
if wait "$pid"; then rc=0; else rc=$?; fi
[ "$rc" = 1 ] || { cat "$T/set.out" "$T/set.err"; fail "conflict: exit $rc, expected 1"; }
grep -q 'conflict' "$T/set.err" || { cat "$T/set.err"; fail "no conflict message"; }
grep -q 'nothing was overwritten' "$T/set.err" || fail "does not say nothing was overwritten"
grep -q '^what changed meanwhile:' "$T/set.out" || { cat "$T/set.out"; fail "no meanwhile diff"; }
grep -q '^+  - www.shop.example.com' "$T/set.out" || { cat "$T/set.out"; fail "meanwhile diff lacks the hostname"; }
curl -sf "$R" | jq -e '.spec.rules[0].timeouts.request == "10s" and
	(.spec.hostnames | index("www.shop.example.com"))' >/dev/null ||
	fail "the concurrent change was overwritten: $(curl -sf "$R" | jq -c '.spec')"
ok "conflict, not an overwrite: $(grep -m1 conflict "$T/set.err" | cut -c1-100)..."

gt history shop/storefront -o json >"$T/h.json"
jq -e '.[0].result == "conflict" and .[0].after.timeouts.request == "12s"' "$T/h.json" >/dev/null ||
	{ cat "$T/h.json"; fail "the conflict is not in the audit log"; }
ok "the audit log records the conflict"

# Again: applies on top of the new version, keeping the other change.
gt set shop/storefront --timeouts-request 12s --yes >"$T/set2.out" 2>"$T/set2.err" ||
	{ cat "$T/set2.out" "$T/set2.err"; fail "second set failed"; }
curl -sf "$R" | jq -e '.spec.rules[0].timeouts.request == "12s" and
	(.spec.hostnames | index("www.shop.example.com"))' >/dev/null || fail "second set did not apply"
ok "re-run applies on the new version and keeps the other change"

# --expect-resource-version: a stale version is refused without sending.
if gt set shop/storefront --timeouts-request 13s --yes --expect-resource-version 1 2>"$T/rv.err"; then
	fail "a stale --expect-resource-version was accepted"; fi
grep -q 'conflict' "$T/rv.err" || fail "stale version: no conflict message"
curl -sf "$R" | jq -e '.spec.rules[0].timeouts.request == "12s"' >/dev/null || fail "stale version applied"
ok "--expect-resource-version refuses a stale version"

# A server refusal: a token that may only read gets 403 on the PATCH: exit 1 with the
# server's reason, nothing changed. (TLS: gammatop sends tokens only over https.)
start_sim --demo --tls "$T/tls" --token e2e-full-token --readonly-token e2e-read-token \
	--kubeconfig-out "$T/kc.full"
sed 's/e2e-full-token/e2e-read-token/' "$T/kc.full" >"$T/kc.ro"
R2="$SIM_URL/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes/storefront"
if timeout 60 "$GAMMATOP" set shop/storefront --timeouts-request 9s --yes --kubeconfig "$T/kc.ro" \
	--cache "$T/cache.db" </dev/null >"$T/ro.out" 2>"$T/ro.err"; then
	fail "a read-only token applied a change"; else rc=$?; fi
[ "$rc" = 1 ] || { cat "$T/ro.out" "$T/ro.err"; fail "forbidden: exit $rc, expected 1"; }
grep -qi 'forbidden' "$T/ro.err" || { cat "$T/ro.err"; fail "no forbidden reason"; }
grep -q 'e2e-read-token' "$T/ro.err" "$T/ro.out" && fail "the token appears in the output"
curl -sf --cacert "$T/tls/ca.crt" -H 'Authorization: Bearer e2e-full-token' "$R2" |
	jq -e '.spec.rules[0].timeouts.request == "10s"' >/dev/null || fail "the route changed"
ok "forbidden: exit 1: $(head -1 "$T/ro.err" | cut -c1-120)"
