#!/bin/sh
# tests/e2e/ui-demo.sh: `gammatop demo` in a private tmux server (120x40): the topology shows
# the demo's gateways and routes, :ns, drill-down, sort and ? work, q stops the sim and removes
# its private directory. Then the console against a sim we control: killing the sim shows the
# last known state marked stale, and the console recovers by itself when the sim returns.
# Bounded in time; the tmux server and every sim are always stopped.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/tmux-lib.sh"
[ -x "$GAMMATOP" ] || skip "no gammatop binary at $GAMMATOP"
[ -x "$GAMMATOP_SIM" ] || skip "no gammatop-sim binary at $GAMMATOP_SIM"

tmux_init ui-demo 20

# --- gammatop demo ---------------------------------------------------------------------
mkdir -p "$T/tmp"
cat > "$T/demo.sh" <<EOF
#!/bin/sh
TMPDIR="$T/tmp" TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 "$GAMMATOP" demo --sim "$GAMMATOP_SIM" 2>"$T/demo.err"
echo "exit=\$?" > "$T/demo.exit"
sleep 60
EOF
chmod +x "$T/demo.sh"
$TMUX_CMD new-session -d -x 120 -y 40 "$T/demo.sh" || fail "cannot start tmux"
expect "API synced" "demo synced" 30
expect "Gateway ingress/storefront" "demo gateway"
grep -q "HTTPRoute shop/storefront" "$T/screen" || fail "demo topology lacks HTTPRoute shop/storefront"
ls "$T/tmp"/gammatop-demo.* >/dev/null 2>&1 || fail "no private demo directory"
[ "$(stat -c %a "$T"/tmp/gammatop-demo.*)" = 700 ] || fail "demo directory is not 0700"
cp "$T/screen" "$T/capture-demo-topology.txt"
ok "demo topology"

# Telemetry by direct scrape through the pod proxy: figures appear in the routes view.
keys 2
expect "telemetry OK" "telemetry collected" 60
expect "[0-9]%" "figures in the routes view" 30
cp "$T/screen" "$T/capture-demo-routes.txt"
ok "demo telemetry (direct scrape): figures shown"
keys 1
keys : "ns checkout" Enter
expect "ns checkout" ":ns checkout"
grep -q "HTTPRoute shop/storefront" "$T/screen" && fail ":ns checkout still shows shop routes"
keys : "ns all" Enter
keys 2
expect "TIMEOUT%" "routes view"
keys "<"
keys / "shop" Enter
keys Enter
expect "computed from spec" "route detail from the routes view"
grep -q "routes › shop/" "$T/screen" || fail "no breadcrumbs in route detail"
cp "$T/screen" "$T/capture-demo-detail.txt"
keys Escape
keys "?"
expect "move down" "help"
keys q q
wait_for "test -f '$T/demo.exit'" 10 || fail "q did not end the demo"
grep -q "exit=0" "$T/demo.exit" || fail "demo: $(cat "$T/demo.exit") $(cat "$T/demo.err")"
ls "$T/tmp"/gammatop-demo.* >/dev/null 2>&1 && fail "demo left its directory behind"
ok "demo navigation, q stops the sim"
if grep -q "Sanitizer" "$T/demo.err"; then cat "$T/demo.err" >&2; fail "sanitizer report on exit"; fi
$TMUX_CMD kill-server 2>/dev/null

# --- a sim that dies and comes back -------------------------------------------------------
start_sim --demo --state "$T/sim.state" --kubeconfig-out "$T/kubeconfig"
PORT=${SIM_URL##*:}
cat > "$T/console.sh" <<EOF
#!/bin/sh
XDG_CACHE_HOME="$T/cache" TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 "$GAMMATOP" console --kubeconfig "$T/kubeconfig" 2>"$T/console.err"
echo "exit=\$?" > "$T/console.exit"
sleep 60
EOF
chmod +x "$T/console.sh"
$TMUX_CMD new-session -d -x 120 -y 40 "$T/console.sh" || fail "cannot start tmux"
expect "API synced" "console synced" 30
expect "Gateway ingress/storefront" "console topology" 10
stop_sim
expect "reconnecting since" "stale after the sim died" 30
grep -q "Gateway ingress/storefront" "$T/screen" || { cat "$T/screen" >&2; fail "the last known state was not kept"; }
cp "$T/screen" "$T/capture-stale.txt"
ok "sim killed: last known state shown, marked stale"
start_sim --demo --state "$T/sim.state" --port "$PORT"
expect "API synced" "recovered after the sim returned" 60
grep -q "Gateway ingress/storefront" "$T/screen" || fail "topology lost after recovery"
ok "recovered by itself"
keys q
wait_for "test -f '$T/console.exit'" 10 || fail "q did not quit"
grep -q "exit=0" "$T/console.exit" || fail "console: $(cat "$T/console.exit")"
if grep -q "Sanitizer" "$T/console.err"; then cat "$T/console.err" >&2; fail "sanitizer report on exit"; fi

# The synced topology was cached: --offline opens from it without any connection.
stop_sim
XDG_CACHE_HOME="$T/cache" GAMMATOP_HEADLESS=120x12 LANG=C.UTF-8 LC_ALL=C.UTF-8 \
	"$GAMMATOP" console --kubeconfig "$T/kubeconfig" --offline --dump-screen > "$T/offline" 2>&1 ||
	{ cat "$T/offline" >&2; fail "--offline console failed"; }
grep -q "offline from cache of" "$T/offline" || { cat "$T/offline" >&2; fail "no 'offline from cache'"; }
grep -q "Gateway ingress/storefront" "$T/offline" || fail "offline console lacks the cached gateway"
cp "$T/offline" "$T/capture-offline.txt"
ok "--offline from the cached topology"
if [ -n "${GT_CAPTURE_DIR:-}" ]; then cp "$T"/capture-*.txt "$GT_CAPTURE_DIR/"; fi
exit 0
