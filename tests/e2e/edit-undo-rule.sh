#!/bin/sh
# tests/e2e/edit-undo-rule.sh: undo restores the rule that was changed, not the one that now
# has its index. Against gammatop-sim's demo (checkout/checkout: one unnamed rule):
#   set rule 0 to 8s; a colleague inserts a rule in front (curl JSON patch) with the very
#     policy the change left; undo puts 5s back on the original rule (now rule 1) and leaves
#     the new one alone (by index it would have changed the colleague's rule, and succeeded);
#   the rule's matches changed since: undo refuses (exit 1, "is gone"), nothing sent;
#   two rules with the same matches and backends: undo refuses (exit 1, "ambiguous");
#   a named rule (GEP-995) is found by its name wherever it moved.
. "$GT_SRCDIR/tests/e2e/lib.sh"
command -v jq >/dev/null || skip "jq not installed"
command -v curl >/dev/null || skip "curl not installed"
[ -x "$GAMMATOP_SIM" ] || skip "gammatop-sim not built"

start_sim --demo --kubeconfig-out "$T/kc"
R="$SIM_URL/apis/gateway.networking.k8s.io/v1/namespaces/checkout/httproutes/checkout"
gt() { timeout 60 "$GAMMATOP" "$@" --kubeconfig "$T/kc" --cache "$T/cache.db" </dev/null; }
req() { curl -sf "$R" | jq -r ".spec.rules[$1].timeouts.request"; }
rv() { curl -sf "$R" | jq -r .metadata.resourceVersion; }
# A colleague's change: an RFC 6902 JSON patch, as kubectl patch --type=json sends it.
colleague() {
	curl -sf -X PATCH -H 'Content-Type: application/json-patch+json' --data "$1" "$R" >/dev/null ||
		fail "the colleague's patch was refused: $1"
}
# A rule like the demo's (the same backend and policy but request $2), matching prefix $1.
rule() { printf '{"matches":[{"path":{"type":"PathPrefix","value":"%s"}}],"backendRefs":[{"name":"checkout","port":8080}],"timeouts":{"request":"%s","backendRequest":"2s"},"retry":{"attempts":2,"codes":[503],"backoff":"100ms"}}' "$1" "$2"; }

[ "$(req 0)" = 5s ] || fail "the demo's checkout rule does not start at 5s: $(req 0)"
gt set checkout/checkout --timeouts-request 8s --yes >"$T/set.out" 2>&1 || { cat "$T/set.out"; fail "set exited $?"; }
grep -q "recorded as #1 " "$T/set.out" || fail "set was not recorded as #1"

colleague "[{\"op\":\"add\",\"path\":\"/spec/rules/0\",\"value\":$(rule /canary 8s)}]"
[ "$(req 0)" = 8s ] && [ "$(req 1)" = 8s ] || fail "the inserted rule is not in front"
gt undo 1 --yes >"$T/u1.out" 2>"$T/u1.err" || { rc=$?; cat "$T/u1.out" "$T/u1.err"; fail "undo 1 exited $rc"; }
[ "$(req 1)" = 5s ] || fail "undo did not restore the rule it changed (now rule 1): $(req 1)"
[ "$(req 0)" = 8s ] || fail "undo changed the colleague's rule in front: $(req 0)"
grep -q "rule 1" "$T/u1.out" || { cat "$T/u1.out"; fail "undo does not say it changes rule 1"; }
gt history -o json | jq -e '.[] | select(.id == 1) | .ruleKey.matches[0].path.value == "/"' >/dev/null ||
	{ gt history -o json; fail "the audit row does not record the rule's identity"; }
ok "a rule inserted in front: undo #1 restores the original rule (now rule 1), not rule 0"

# The rule's matches changed since: gone.
gt set checkout/checkout --rule 1 --timeouts-request 7s --yes >"$T/s3.out" 2>&1 || { cat "$T/s3.out"; fail "set exited $?"; }
grep -q "recorded as #3 " "$T/s3.out" || { cat "$T/s3.out"; fail "set was not recorded as #3"; }
colleague '[{"op":"replace","path":"/spec/rules/1/matches/0/path/value","value":"/v2"}]'
rv0=$(rv)
if gt undo 3 --yes >"$T/u3.out" 2>"$T/u3.err"; then fail "undo of a rule that is gone succeeded"; else rc=$?; fi
[ "$rc" = 1 ] || { cat "$T/u3.err"; fail "undo of a gone rule: exit $rc, expected 1"; }
grep -q "refused: change #3: httproute/checkout/checkout: the rule matching PathPrefix / to checkout:8080 is gone" "$T/u3.err" ||
	{ cat "$T/u3.err"; fail "no reason given for the gone rule"; }
[ "$(rv)" = "$rv0" ] || fail "a refused undo changed the route"
ok "the rule's matches changed: undo #3 refused ($(grep -o 'is gone.*' "$T/u3.err" | head -c 60))"

# Two rules with the same matches and backends: ambiguous.
gt set checkout/checkout --rule 0 --timeouts-request 6s --yes >"$T/s4.out" 2>&1 || { cat "$T/s4.out"; fail "set exited $?"; }
grep -q "recorded as #4 " "$T/s4.out" || fail "set was not recorded as #4"
colleague "[{\"op\":\"add\",\"path\":\"/spec/rules/-\",\"value\":$(rule /canary 6s)}]"
rv0=$(rv)
if gt undo 4 --yes >"$T/u4.out" 2>"$T/u4.err"; then fail "an ambiguous undo succeeded"; else rc=$?; fi
[ "$rc" = 1 ] || { cat "$T/u4.err"; fail "ambiguous undo: exit $rc, expected 1"; }
grep -q "is ambiguous: rules 0 and 2 all fit it" "$T/u4.err" || { cat "$T/u4.err"; fail "no reason given for the ambiguity"; }
[ "$(rv)" = "$rv0" ] || fail "a refused undo changed the route"
ok "two rules fit: undo #4 refused as ambiguous"

# A named rule is found by name after another rule is inserted in front of it.
colleague '[{"op":"remove","path":"/spec/rules/2"},{"op":"add","path":"/spec/rules/1/name","value":"main"}]'
gt set checkout/checkout --rule main --timeouts-request 9s --yes >"$T/s5.out" 2>&1 || { cat "$T/s5.out"; fail "set exited $?"; }
grep -q "recorded as #5 " "$T/s5.out" || { cat "$T/s5.out"; fail "set was not recorded as #5"; }
gt history -o json | jq -e '.[0].ruleKey == {"name":"main"}' >/dev/null || fail "the named rule's identity is not its name"
colleague "[{\"op\":\"add\",\"path\":\"/spec/rules/0\",\"value\":$(rule /first 9s)}]"
gt undo 5 --yes >"$T/u5.out" 2>"$T/u5.err" || { cat "$T/u5.err"; fail "undo 5 exited $?"; }
[ "$(curl -sf "$R" | jq -r '.spec.rules[] | select(.name == "main") | .timeouts.request')" = 7s ] ||
	fail "the named rule did not get 7s (its policy before #5) back"
[ "$(req 0)" = 9s ] || fail "undo changed the rule in front"
ok "a named rule: undo #5 finds \"main\" by name (now rule 2)"
