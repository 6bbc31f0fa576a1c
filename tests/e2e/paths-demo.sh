#!/bin/sh
# tests/e2e/paths-demo.sh: the call-chain view on gammatop-sim's demo (issue 17). The demo has
# a three-hop chain shop/basket -> cart/stock-from-cart -> inventory/warehouse-from-inventory
# with 3 tries per hop and an inverted timeout (src/sim/demo.c). `gammatop paths` shows it as
# a tree with its worst case (27x) and, without telemetry, "unknown" observed figures (never
# 0); `lint` reports RetryAmplification and TimeoutBudgetExceeded on it; with telemetry (a
# direct scrape of the sim's mesh metrics) the observed amplification at warehouse is within
# 20% of the traffic model's (the product of each hop's tries per request, from the sim's
# /sim/v1/traffic); -o dot puts the amplification on the edges; and after `gammatop set`
# removes the middle hop's retry block (set refuses attempts 0: removing the block is how
# retries are disabled) the worst case is 9x and RetryAmplification is gone.
# Needs jq and curl.
. "$GT_SRCDIR/tests/e2e/lib.sh"
command -v jq >/dev/null || skip "jq not installed"
command -v curl >/dev/null || skip "curl not installed"
[ -x "$GAMMATOP_SIM" ] || skip "gammatop-sim not built"

# manifests, usage and bad input first (no cluster)
CHAIN="$GT_SRCDIR/tests/fixtures/paths/paths-chain.yaml"
"$GAMMATOP" paths --help >"$T/help" 2>&1 || fail "paths --help"
grep -q '^Usage: gammatop paths' "$T/help" || fail "paths --help text: $(head -3 "$T/help")"
"$GAMMATOP" paths -f "$CHAIN" -o nonsense >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 2 ] && grep -q "unknown output format 'nonsense'" "$T/err" || fail "paths -o nonsense: exit $rc, $(cat "$T/err")"
"$GAMMATOP" paths -f "$CHAIN" shop/nosuch >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 2 ] && grep -q "service/shop/nosuch is on no call path" "$T/err" || fail "unknown target: exit $rc, $(cat "$T/err")"
"$GAMMATOP" paths -f "$CHAIN" a b >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 2 ] || fail "two operands: exit $rc"
"$GAMMATOP" paths -f "$CHAIN" api/cart -o json >"$T/m.json" || fail "paths on manifests"
jq -e '.kind == "Paths" and .telemetry == null and .paths[0].path == "web -> storefront -> api -> cart -> inventory" and .paths[0].ampWorst == 81 and .paths[0].ampObserved == null' \
	"$T/m.json" >/dev/null || fail "manifest paths: $(jq -c '.paths[0] | {path, ampWorst, ampObserved}' "$T/m.json")"
ok "paths on manifests (81x, observed null), --help, bad format, unknown target, two operands"

start_sim --demo --kubeconfig-out "$T/kc"
gt() { timeout 90 "$GAMMATOP" "$@" --kubeconfig "$T/kc" --cache "$T/cache.db" </dev/null; }

# the tree, no telemetry
gt paths shop/basket --no-telemetry >"$T/p.txt" 2>"$T/p.err" || fail "paths: $(cat "$T/p.err")"
grep -q '^ingress/storefront (gateway)' "$T/p.txt" || fail "no entry row: $(cat "$T/p.txt")"
grep -Eq '^└─ basket +httproute/shop/basket rule 0 +3s500ms/1s +2 +unknown +unknown +unknown +3x +unknown' "$T/p.txt" ||
	fail "hop 1: $(cat "$T/p.txt")"
grep -Eq '^   └─ stock +httproute/cart/stock-from-cart rule 0 +1s/300ms +2 .* 9x ' "$T/p.txt" ||
	fail "hop 2: $(cat "$T/p.txt")"
grep -Eq '^      └─ warehouse +httproute/inventory/warehouse-from-inventory rule 0 +3s/1s +2 .* 27x !timeout +unknown' "$T/p.txt" ||
	fail "hop 3: $(cat "$T/p.txt")"
grep -Eq ' 0\.0%|   0\.0 ' "$T/p.txt" && fail "a figure shown as 0 without telemetry: $(cat "$T/p.txt")"
ok "paths: basket -> stock -> warehouse, 3x 9x 27x, observed unknown without telemetry"

# lint: both codes on the chain
gt lint -o json >"$T/lint.json" 2>/dev/null
jq -e '[.findings[] | select(.code == "RetryAmplification" and (.message | test("-> stock -> warehouse: up to 27x")))] | length >= 1' \
	"$T/lint.json" >/dev/null || fail "no RetryAmplification on the chain: $(jq -c '[.findings[] | select(.code == "RetryAmplification")]' "$T/lint.json")"
jq -e '[.findings[] | select(.code == "TimeoutBudgetExceeded" and .object == "httproute/inventory/warehouse-from-inventory")] | length == 1' \
	"$T/lint.json" >/dev/null || fail "no TimeoutBudgetExceeded on warehouse-from-inventory: $(jq -c '[.findings[] | select(.code == "TimeoutBudgetExceeded")]' "$T/lint.json")"
ok "lint: RetryAmplification and TimeoutBudgetExceeded on the chain"

# observed amplification against the traffic model
model=1
for r in shop/basket cart/stock-from-cart inventory/warehouse-from-inventory; do
	tpr=$(curl -sf "$SIM_URL/sim/v1/traffic?kind=HTTPRoute&namespace=${r%/*}&name=${r#*/}&rule=0" | jq -r .triesPerRequest) ||
		fail "no traffic model figures of $r"
	model=$(awk -v a="$model" -v b="$tpr" 'BEGIN { print a * b }')
done
gt paths shop/basket --sample 5 -o json >"$T/p.json" 2>"$T/pj.err" || fail "paths -o json: $(cat "$T/pj.err")"
obs=$(jq -r '.paths[] | select(.path | test("basket -> stock -> warehouse$")) | .ampObserved' "$T/p.json")
[ -n "$obs" ] && [ "$obs" != null ] || fail "no observed amplification: $(jq -c '.paths[0]' "$T/p.json")"
awk -v o="$obs" -v m="$model" 'BEGIN { d = (o - m) / m; if (d < 0) d = -d; exit !(d <= 0.2) }' ||
	fail "observed amplification $obs is not within 20% of the traffic model's $model"
jq -e '.paths[] | select(.path | test("basket -> stock -> warehouse$")) | .ampWorst == 27 and (.hops | length == 3) and (.hops[2].rps > 0)' \
	"$T/p.json" >/dev/null || fail "json path: $(jq -c '.paths[0]' "$T/p.json")"
ok "observed amplification at warehouse ${obs}x, traffic model ${model}x (within 20%)"

gt paths shop/basket --no-telemetry -o dot >"$T/p.dot" || fail "paths -o dot"
grep -q '^digraph gammatop_paths {' "$T/p.dot" || fail "dot: $(head -3 "$T/p.dot")"
grep -Eq 'httproute/inventory/warehouse-from-inventory rule 0\\n3 tries, up to 27x", color=red' "$T/p.dot" ||
	fail "dot edge: $(cat "$T/p.dot")"
ok "dot: amplification on the edges"

# the fix: the middle hop without retries
gt set cart/stock-from-cart --clear-retry --yes >"$T/set.out" 2>&1 || { cat "$T/set.out"; fail "set"; }
wait_for "gt paths shop/basket --no-telemetry 2>/dev/null | grep -Eq 'warehouse .* 9x '" 20 ||
	fail "worst case after the fix: $(gt paths shop/basket --no-telemetry 2>&1)"
gt lint -o json >"$T/lint2.json" 2>/dev/null
jq -e '[.findings[] | select(.code == "RetryAmplification" and (.message | test("stock -> warehouse")))] | length == 0' \
	"$T/lint2.json" >/dev/null || fail "RetryAmplification still reported: $(jq -c '[.findings[] | select(.code == "RetryAmplification")]' "$T/lint2.json")"
ok "after set --clear-retry on the middle hop: 9x, RetryAmplification cleared"
