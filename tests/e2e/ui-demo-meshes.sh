#!/bin/sh
# tests/e2e/ui-demo-meshes.sh: `gammatop demo --mesh istio` and `--mesh envoy-gateway` in a
# private tmux server (160x40): the console's routes view shows the mesh's figures — Istio's
# per destination Service on the rules whose backends they are, marked "svc"; Envoy Gateway's
# per rule. Bounded in time (about 1 minute per mesh); the tmux server and sims always stop.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/tmux-lib.sh"
[ -x "$GAMMATOP" ] || skip "no gammatop binary at $GAMMATOP"
[ -x "$GAMMATOP_SIM" ] || skip "no gammatop-sim binary at $GAMMATOP_SIM"

mkdir -p "$T/tmp"
for mesh in istio envoy-gateway; do
	tmux_init "ui-demo-$mesh" 20
	{
		echo '#!/bin/sh'
		echo "TMPDIR='$T/tmp' TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 '$GAMMATOP' demo --mesh $mesh --sim '$GAMMATOP_SIM' 2>'$T/demo-$mesh.err'"
		echo "echo \"exit=\$?\" > '$T/demo-$mesh.exit'"
		echo 'sleep 60'
	} >"$T/demo-$mesh.sh"
	chmod +x "$T/demo-$mesh.sh"
	$TMUX_CMD new-session -d -x 160 -y 40 "$T/demo-$mesh.sh" || fail "cannot start tmux"
	expect "API synced" "demo ($mesh) synced" 30
	keys 2
	expect "telemetry OK" "telemetry collected ($mesh)" 60
	expect "[0-9]\.[0-9]%" "figures in the routes view ($mesh)" 40
	cp "$T/screen" "$T/capture-demo-$mesh.txt"
	if [ "$mesh" = istio ]; then
		grep -Eq ' svc ' "$T/screen" ||
			fail "istio figures are not marked per service: $(cat "$T/screen")"
	fi
	ok "demo --mesh $mesh: figures in the console"
	keys q
	wait_for "[ -f '$T/demo-$mesh.exit' ]" 15 || fail "demo ($mesh) did not stop"
	grep -q 'exit=0' "$T/demo-$mesh.exit" ||
		fail "demo ($mesh): $(cat "$T/demo-$mesh.exit" "$T/demo-$mesh.err")"
	$TMUX_CMD kill-server 2>/dev/null
done
