#!/bin/sh
# tests/e2e/ui-suspects.sh: route detail answers "what changed before it broke" (issue 16).
# The console (in a private tmux server) runs against gammatop-sim's demo world and records
# the change journal; the route detail of inventory/inventory is open. Real kubectl tightens
# the route's request timeout (300ms -> 100ms): the detail lists that change as the top
# suspect (who: kubectl-patch, what: the field diff) without leaving the view, shows a change
# marker under its sparklines, and its Kubernetes Events section is filled by the async
# request (the sim's Events of the route, or "none"). `:at TIME` before the change shows the
# old timeout, marked PAST in the header, and refuses edits; `:at now` returns. `:paths` shows
# the demo's call chain with its 27x worst case, and the edit form on its first hop says what 5
# attempts would make of it (54x) before anything is sent. Leaving the view while an Events request
# may be in flight must not crash (ASan builds check it). Bounded; the tmux server is always
# killed. GT_CAPTURE_DIR=DIR keeps the captures.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/tmux-lib.sh"
[ -x "$GAMMATOP" ] || skip "no gammatop binary at $GAMMATOP"
[ -x "$GAMMATOP_SIM" ] || skip "gammatop-sim not built"
KUBECTL=/usr/lib/google-cloud-sdk/bin/kubectl.1.32
[ -x "$KUBECTL" ] || KUBECTL=$(command -v kubectl) || skip "kubectl not installed"
K() { "$KUBECTL" --kubeconfig "$T/kc" --request-timeout 10s "$@"; }

tmux_init ui-suspects 20
start_sim --demo --kubeconfig-out "$T/kc"

cat > "$T/run.sh" <<EOS
#!/bin/sh
cd "$T"
TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 TMPDIR="$T" \
  "$GAMMATOP" --kubeconfig "$T/kc" --cache "$T/cache.db" --no-telemetry 2>"$T/stderr"
echo "exit=\$?" > "$T/exit"
sleep 300
EOS
chmod +x "$T/run.sh"
$TMUX_CMD new-session -d -x 200 -y 50 "$T/run.sh" || fail "cannot start tmux"

expect "HTTPRoute shop/storefront" "the topology" 30
keys 2
keys / "^inventory +inventory" Enter
expect "^inventory  *inventory" "the routes view filtered to inventory"
keys Enter
expect "Suspects" "route detail with its Suspects section"
expect "Events" "route detail with its Events section"
keep before
grep -q "the route itself" "$T/screen" && fail "a suspect before anything changed: $(cat "$T/screen")"
ok "route detail shows Suspects and Events sections"

# the change, by real kubectl (manager kubectl-patch)
sleep 1
BEFORE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
sleep 1
K -n inventory patch httproute inventory --type merge \
	-p '{"spec":{"rules":[{"backendRefs":[{"name":"inventory","port":8080}],"timeouts":{"request":"100ms"}}]}}' \
	>/dev/null || fail "kubectl patch"
expect "1\. kubectl-patch" "the kubectl change as the top suspect"
expect "timeouts.request 300ms → 100ms" "what changed"
keep after
grep -E "1\. kubectl-patch +spec\.rules\[0\]\.timeouts\.request 300ms → 100ms +[0-9]+s ago +score 1\.00" \
	"$T/screen" >/dev/null || fail "top suspect line: $(grep -A3 Suspects "$T/screen")"
grep -Eq "why +the route itself; .*changes timeouts.* httproute/inventory/inventory" "$T/screen" ||
	fail "no reason in words: $(cat "$T/screen")"
ok "the kubectl timeout change is the top suspect, with who and what"

# Events: asked of the cluster on the loop (the sim serves events.k8s.io): "asking the
# cluster..." until the answer comes, then the Events or "none"
wait_for "$TMUX_CMD capture-pane -p | sed -n '/Events/,\$p' | grep -Eq 'the cluster holds no Events|Normal|Warning'" 10 ||
	{ cap; fail "the Events section was not filled: $(sed -n '/Events/,$p' "$T/screen")"; }
ok "Events section filled asynchronously"

# time travel: the route detail as it was before the change, marked, read-only
keys : "at $BEFORE" Enter
expect "PAST $BEFORE read-only" "the past in the header"
expect "request 300ms" "the route as it was"
keys e
expect "showing the past (:at): edits are refused" "no edits in the past"
keep past
keys : "at now" Enter
expect "request 100ms" "back to now"
grep -q "PAST" "$T/screen" && fail "still marked as the past: $(head -1 "$T/screen")"
ok ":at $BEFORE showed the old timeout, marked PAST and read-only; :at now returned"

# the call chains through a route, from the console
keys Escape
keys : "paths" Enter
expect "warehouse" "the paths view"
grep -Eq "stock .*27x|warehouse .*27x" "$T/screen" || fail "no 27x in :paths: $(cat "$T/screen")"
keep paths
ok ":paths shows the demo chain with its 27x worst case"

# the edit form says what a retry change does to the paths through the rule, before applying
keys 2
keys / "^shop +basket" Enter
expect "^shop  *basket" "the routes view filtered to shop/basket"
keys e
expect "edit httproute/shop/basket rule 0" "the form"
expect "paths: this makes ingress/storefront -> basket -> stock -> warehouse 27x worst case (now 27x)" "the paths line"
keys Tab Tab C-u 5
expect "paths: this makes ingress/storefront -> basket -> stock -> warehouse 54x worst case (now 27x)" "the effect of 5 attempts"
keep form-paths
keys Escape
keys Escape
keys Escape
keys 2
keys / "^inventory +inventory" Enter
expect "^inventory  *inventory" "back to inventory"
keys Enter
expect "Suspects" "route detail again"
ok "edit form: attempts 5 on shop/basket would make the chain 54x (now 27x), shown before applying"

# leave and come back quickly (a request in flight is cancelled with the view)
for i in 1 2 3; do keys Escape; keys Enter; done
keys Escape
keys q
wait_for "[ -f '$T/exit' ]" 10 || fail "the console did not quit"
grep -q "exit=0" "$T/exit" || fail "console exit: $(cat "$T/exit") $(cat "$T/stderr")"
ok "left the view with requests in flight; the console exited cleanly"
