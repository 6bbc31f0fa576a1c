#!/bin/sh
# edit-effect.sh: the change shows in the traffic. In the demo, inventory's 300ms request
# timeout cuts about a third of its requests; `gammatop top` measures it (and leaves samples
# in the cache), `set --dry-run` previews from those samples what a 2s timeout would cut,
# `set` applies it, and the next `top` measures a timeout rate that has fallen (well within
# a minute: the sim's traffic model follows the route at once).
. "$GT_SRCDIR/tests/e2e/lib.sh"
command -v jq >/dev/null || skip "jq not installed"
[ -x "$GAMMATOP_SIM" ] || skip "gammatop-sim not built"

start_sim --demo --kubeconfig-out "$T/kc"
gt() { timeout 90 "$GAMMATOP" "$@" --kubeconfig "$T/kc" --cache "$T/cache.db" </dev/null; }
rate() {
	gt top -n inventory --sample 2 -o json 2>"$T/top.err" |
		jq -r '.routes[] | select(.route == "httproute/inventory/inventory") | .timeoutRate'
}

before=$(rate)
[ -n "$before" ] && [ "$before" != null ] || { cat "$T/top.err"; fail "top measured no timeout rate"; }
awk -v r="$before" 'BEGIN { exit !(r > 0.1) }' || fail "inventory's timeout rate is only $before before the change"

gt set inventory/inventory --timeouts-request 2s --dry-run >"$T/dry.out" 2>&1 ||
	{ cat "$T/dry.out"; fail "dry-run failed"; }
grep -q '^telemetry, last 5m .*a 2s request timeout would have cut' "$T/dry.out" ||
	{ cat "$T/dry.out"; fail "no telemetry preview"; }
ok "preview: $(grep '^telemetry' "$T/dry.out" | cut -c1-200)..."

start=$(date +%s)
gt set inventory/inventory --timeouts-request 2s --yes >"$T/set.out" 2>&1 || { cat "$T/set.out"; fail "set failed"; }
after=$(rate)
took=$(( $(date +%s) - start ))
awk -v a="$after" -v b="$before" 'BEGIN { exit !(a < b / 2) }' ||
	fail "the timeout rate did not fall: $before -> $after"
ok "inventory timeout rate $before -> $after, measured ${took}s after the change"
