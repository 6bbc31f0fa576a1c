#!/bin/sh
# edit-set.sh: `gammatop set`, `history` and `undo` against gammatop-sim: set applies and the
# sim's object changes; --dry-run and refused changes send no PATCH (the sim's request log)
# and leave the resourceVersion alone; without a terminal and without --yes nothing is
# applied; --readonly refuses; the audit log records the change; undo restores the previous
# policy exactly, is itself recorded, and refuses to undo twice.
. "$GT_SRCDIR/tests/e2e/lib.sh"
command -v jq >/dev/null || skip "jq not installed"
command -v curl >/dev/null || skip "curl not installed"
[ -x "$GAMMATOP_SIM" ] || skip "gammatop-sim not built"

start_sim --demo -v --kubeconfig-out "$T/kc"
R="$SIM_URL/apis/gateway.networking.k8s.io/v1/namespaces/checkout/httproutes/checkout"
gt() { timeout 60 "$GAMMATOP" "$@" --kubeconfig "$T/kc" --cache "$T/cache.db" </dev/null; }
rv() { curl -sf "$R" | jq -r .metadata.resourceVersion; }
policy() { curl -sf "$R" | jq -cS '.spec.rules[0] | {timeouts, retry}'; }
patches() { grep -c 'PATCH .*httproutes/checkout' "$SIM_LOG"; }

orig=$(policy)
[ -n "$orig" ] || fail "cannot read the route from the sim"
echo "$orig" | jq -e '.timeouts.request == "5s"' >/dev/null || fail "unexpected demo route: $orig"

# --dry-run: the diff and the server's verdict, nothing changed.
rv0=$(rv)
d0=$(patches)
gt set httproute/checkout/checkout --timeouts-request 8s --dry-run >"$T/dry.out" 2>"$T/dry.err" ||
	{ cat "$T/dry.out" "$T/dry.err"; fail "--dry-run exited $?"; }
grep -q '^+      request: 8s' "$T/dry.out" || { cat "$T/dry.out"; fail "no diff in the dry-run output"; }
grep -q 'server dry-run: accepted' "$T/dry.out" || fail "no dry-run verdict"
grep '^merge patch: ' "$T/dry.out" | sed 's/^merge patch: //' |
	jq -e --arg rv "$rv0" '.metadata.resourceVersion == $rv and .spec.rules[0].timeouts.request == "8s"' \
	>/dev/null || { cat "$T/dry.out"; fail "the merge patch is not shown or lacks the resourceVersion"; }
[ "$(rv)" = "$rv0" ] || fail "--dry-run changed the route"
[ "$(policy)" = "$orig" ] || fail "--dry-run changed the policy"
# (the sim's log shows paths without the query: the one PATCH it saw is the dry-run)
[ "$(patches)" = $((d0 + 1)) ] || fail "expected exactly one (dry-run) PATCH, saw $(( $(patches) - d0 ))"
ok "--dry-run shows the diff and the server's verdict; resourceVersion stays $rv0"

# An invalid duration is refused before anything is sent.
n0=$(patches)
if gt set checkout/checkout --timeouts-request 1.5s --yes >"$T/bad.out" 2>"$T/bad.err"; then
	fail "an invalid duration was accepted"
else rc=$?; fi
[ "$rc" = 1 ] || fail "invalid duration: exit $rc, expected 1"
grep -q 'fractions are not allowed' "$T/bad.err" || { cat "$T/bad.err"; fail "no reason given"; }
[ "$(patches)" = "$n0" ] || fail "a PATCH was sent for an invalid duration"
[ "$(rv)" = "$rv0" ] || fail "the route changed after an invalid duration"
ok "invalid duration refused before sending: $(grep -m1 error "$T/bad.err")"

# backendRequest longer than request: the CEL rule, also before sending.
if gt set checkout/checkout --timeouts-backend-request 9s --yes >/dev/null 2>"$T/cel.err"; then
	fail "backendRequest > request was accepted"; fi
grep -q 'BackendTimeoutExceedsRequest' "$T/cel.err" || fail "no CEL finding"
[ "$(patches)" = "$n0" ] || fail "a PATCH was sent for a CEL violation"
ok "backendRequest > request refused before sending"

# Not on a terminal and no --yes: not applied. --readonly: refused.
if gt set checkout/checkout --timeouts-request 8s >/dev/null 2>"$T/tty.err"; then
	fail "applied without --yes and without a terminal"; else rc=$?; fi
[ "$rc" = 2 ] || fail "no terminal: exit $rc, expected 2"
grep -q -- '--yes' "$T/tty.err" || fail "no hint about --yes"
if gt set checkout/checkout --timeouts-request 8s --yes --readonly 2>"$T/ro.err"; then
	fail "--readonly did not refuse"; else rc=$?; fi
grep -q 'readonly' "$T/ro.err" || fail "--readonly: no message"
[ "$(rv)" = "$rv0" ] || fail "the route changed without confirmation"
ok "no terminal without --yes: exit 2; --readonly refuses (exit $rc)"

# A route that does not exist: exit 2 with the server's answer (also --request-timeout=D).
if gt set checkout/nope --timeouts-request=8s --yes >/dev/null 2>"$T/nf.err"; then
	fail "a missing route was 'changed'"; else rc=$?; fi
[ "$rc" = 2 ] || fail "missing route: exit $rc, expected 2"
grep -q 'not found' "$T/nf.err" || { cat "$T/nf.err"; fail "missing route: no message"; }

# A rule that does not exist.
if gt set checkout/checkout --rule nope --timeouts-request 8s --yes 2>"$T/rule.err"; then
	fail "an unknown rule was accepted"; fi
grep -q 'no rule "nope"' "$T/rule.err" || { cat "$T/rule.err"; fail "unknown rule: no message"; }

# set applies; the sim's object changes.
gt set checkout/checkout --timeouts-request 8s --retry-codes 502,503 --yes >"$T/set.out" 2>"$T/set.err" ||
	{ cat "$T/set.out" "$T/set.err"; fail "set exited $?"; }
policy | jq -e '.timeouts.request == "8s" and .retry.codes == [502,503]' >/dev/null ||
	fail "the sim's object did not change: $(policy)"
grep -q 'applied to httproute/checkout/checkout rule 0: resourceVersion' "$T/set.out" ||
	fail "no applied line"
id=$(sed -n "s/^audit: recorded as #\([0-9]*\).*/\1/p" "$T/set.out")
[ -n "$id" ] || { cat "$T/set.out"; fail "no audit id"; }
ok "set applied: $(policy)"

# history: the change with before/after, who and where.
gt history checkout/checkout -o json >"$T/h.json" || fail "history failed"
jq -e --argjson id "$id" '.[0].id == $id and .[0].result == "applied" and
	.[0].context == "gammatop-sim" and .[0].route == "httproute/checkout/checkout" and
	.[0].before.timeouts.request == "5s" and .[0].after.timeouts.request == "8s" and
	.[0].after.retry.codes == [502,503]' "$T/h.json" >/dev/null ||
	{ cat "$T/h.json"; fail "history does not show the change"; }
gt history >"$T/h.txt" || fail "history (table) failed"
grep -q "^$id .*httproute/checkout/checkout.*applied" "$T/h.txt" || { cat "$T/h.txt"; fail "table"; }
ok "history records change #$id"

# undo restores the previous policy exactly, and is recorded.
gt undo "$id" --dry-run >"$T/u0.out" 2>&1 || { cat "$T/u0.out"; fail "undo --dry-run failed"; }
policy | jq -e '.timeouts.request == "8s"' >/dev/null || fail "undo --dry-run changed the route"
gt undo "$id" --yes >"$T/undo.out" 2>"$T/undo.err" || { cat "$T/undo.out" "$T/undo.err"; fail "undo failed"; }
[ "$(policy)" = "$orig" ] || fail "undo did not restore the policy: $(policy), want $orig"
gt history checkout/checkout -o json >"$T/h2.json"
jq -e --argjson id "$id" '.[0].undoOf == $id and .[0].result == "applied" and
	.[1].id == $id and .[1].undoneBy == .[0].id' "$T/h2.json" >/dev/null ||
	{ cat "$T/h2.json"; fail "the undo is not recorded"; }
ok "undo #$id restored $orig exactly and was recorded as #$(jq '.[0].id' "$T/h2.json")"

# Undoing the same change again would overwrite the undo: refused.
if gt undo "$id" --yes >/dev/null 2>"$T/undo2.err"; then fail "a second undo was applied"; else rc=$?; fi
[ "$rc" = 1 ] || fail "second undo: exit $rc, expected 1"
grep -q 'changed since change' "$T/undo2.err" || { cat "$T/undo2.err"; fail "no reason"; }
ok "a second undo is refused: $(head -1 "$T/undo2.err" | cut -c1-120)"

# Clearing single fields: backendRequest goes, request stays.
gt set checkout/checkout --clear-timeouts-backend-request --yes >"$T/cb.out" 2>&1 || { cat "$T/cb.out"; fail "--clear-timeouts-backend-request failed"; }
policy | jq -e '.timeouts == {"request": "5s"}' >/dev/null || fail "--clear-timeouts-backend-request: $(policy)"
ok "--clear-timeouts-backend-request removes only backendRequest"

# A whole-document edit (the console's E) is recorded with {"spec": ...}: undo puts the spec
# back exactly. The edit is made here with curl and recorded with sqlite3, as the console
# would have done it.
if command -v sqlite3 >/dev/null; then
	spec0=$(curl -sf "$R" | jq -cS .spec)
	curl -sf -X PATCH -H 'Content-Type: application/merge-patch+json' \
		--data '{"spec":{"hostnames":["checkout.example"]}}' "$R" >/dev/null || fail "curl edit failed"
	spec1=$(curl -sf "$R" | jq -cS .spec)
	sqlite3 "$T/cache.db" "INSERT INTO audit (at_ms, context, user, route, rule, before_json,
		after_json, result, message) VALUES (1, 'gammatop-sim', 'gammatop-sim',
		'httproute/checkout/checkout', -1, '{\"spec\":$spec0}', '{\"spec\":$spec1}', 'applied', 'test')"
	did=$(sqlite3 "$T/cache.db" "SELECT max(id) FROM audit")
	gt history checkout/checkout | grep -q "^$did .*route spec (edited)" || fail "history: no spec edit"
	gt undo "$did" --yes >"$T/ud.out" 2>&1 || { cat "$T/ud.out"; fail "undo of a document edit failed"; }
	[ "$(curl -sf "$R" | jq -cS .spec)" = "$spec0" ] || fail "document undo: $(curl -sf "$R" | jq -cS .spec)"
	grep -q '^-  - checkout.example' "$T/ud.out" || { cat "$T/ud.out"; fail "document undo: no diff"; }
	ok "undo of a whole-document edit (#$did) restores the spec exactly"
fi
