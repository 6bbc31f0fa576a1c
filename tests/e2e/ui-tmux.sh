#!/bin/sh
# tests/e2e/ui-tmux.sh: drive the real console in a private tmux server (120x40) over the
# test manifests: the topology shows, navigation, drill-down, filter, sort, :ns and help
# work, resizing to 20x6 and back does not crash, a crafted escape sequence in an annotation
# shows as harmless text, and q restores the terminal. Bounded in time; the tmux server is
# always killed.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/tmux-lib.sh"
[ -x "$GAMMATOP" ] || skip "no gammatop binary at $GAMMATOP"
FIX="$GT_SRCDIR/tests/fixtures/manifests"
[ -d "$FIX" ] || skip "no test manifests at $FIX"

tmux_init ui-tmux 10

# A route whose annotation tries to clear the screen and retitle the terminal.
mkdir -p "$T/m"
cp "$FIX"/*.yaml "$T/m/"
printf '%s\n' \
  'apiVersion: gateway.networking.k8s.io/v1' \
  'kind: HTTPRoute' \
  'metadata:' \
  '  name: evil' \
  '  namespace: shop' \
  '  annotations:' \
  '    note: "\e[2J\e]0;pwned\a<<END"' \
  'spec:' \
  '  parentRefs: [{name: public, namespace: infra, sectionName: https}]' \
  '  hostnames: [shop.example.com]' \
  '  rules: [{backendRefs: [{name: web, port: 80}]}]' > "$T/m/99-evil.yaml"

cat > "$T/run.sh" <<EOF
#!/bin/sh
cd "$T"
stty -a > "$T/stty.before" 2>&1
TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 "$GAMMATOP" console -f m 2>"$T/stderr"
echo "exit=\$?" > "$T/exit"
stty -a > "$T/stty.after" 2>&1
sleep 60
EOF
chmod +x "$T/run.sh"

$TMUX_CMD new-session -d -x 120 -y 40 "$T/run.sh" || fail "cannot start tmux"

expect "GatewayClass eg" "first frame"
grep -q "Gateway infra/public" "$T/screen" || fail "topology lacks Gateway infra/public"
grep -q "HTTPRoute infra/tools" "$T/screen" || fail "topology lacks HTTPRoute infra/tools"
cp "$T/screen" "$T/capture-topology.txt"
ok "topology"

keys j j
grep -q " 3/" "$T/screen" || fail "j j did not move to row 3"
keys G
grep -Eq " ([0-9]+)/\1 *$" "$T/screen" || fail "G did not go to the last row"
keys g
grep -q " 1/" "$T/screen" || fail "g did not go to the first row"
ok "navigation"

keys / storefront Enter
expect "filter /storefront" "filter"
grep -q "HTTPRoute shop/storefront" "$T/screen" || fail "filter lost the match"
grep -q "HTTPRoute shop/catalog" "$T/screen" && fail "filter kept a non-matching route"
ok "filter"
keys Escape
grep -q "filter /" "$T/screen" && fail "Esc did not clear the filter"

# Drill down: the route's detail shows parents computed vs reported.
keys / "shop/storefront" Enter
keys j j j Enter
expect "computed from spec" "route detail"
grep -q "reported by controller" "$T/screen" || fail "detail lacks the reported column"
grep -q "topology › shop/storefront" "$T/screen" || fail "no breadcrumbs"
cp "$T/screen" "$T/capture-detail.txt"
keys Escape
expect "TOPOLOGY" "back from detail"
keys Escape
ok "drill-down and back"

# The crafted annotation: shown as text, the screen is not cleared.
keys : "ns shop" Enter
expect "ns shop" ":ns"
grep -q "HTTPRoute infra/tools" "$T/screen" && fail ":ns shop still shows infra routes"
ok ":ns"
keys / evil Enter j j j Enter
expect "Annotations" "evil route detail"
grep -q "note" "$T/screen" || fail "annotation missing"
grep -q '?\[2J?\]0;pwned?<<END' "$T/screen" || fail "escape sequence not neutralised"
grep -q "GatewayClass\|gammatop" "$T/screen" || fail "screen was cleared by the annotation"
ok "escape sequences shown as text"
keys Escape Escape : "ns all" Enter

keys 2
expect "TIMEOUT%" "routes view"
keys ">"
grep -q "▼\|▲" "$T/screen" || fail "no sort indicator"
keys r
ok "routes and sort"
keys 3
expect "NotAllowedByListeners" "findings"
ok "findings"
keys "?"
expect "move down" "help"
grep -q "j/Down" "$T/screen" || fail "help lacks j/Down"
cp "$T/screen" "$T/capture-help.txt"
keys q
ok "help"

$TMUX_CMD resize-window -x 20 -y 6 2>/dev/null || $TMUX_CMD resize-pane -x 20 -y 6
sleep 0.5
cap
grep -q "too small" "$T/screen" || { cat "$T/screen" >&2; fail "no 'too small' at 20x6"; }
$TMUX_CMD resize-window -x 120 -y 40 2>/dev/null || $TMUX_CMD resize-pane -x 120 -y 40
sleep 0.5
keys 1
expect "GatewayClass eg" "after resizing back"
ok "resize 20x6 and back"

keys q
wait_for "test -f '$T/exit'" 5 || fail "q did not quit"
grep -q "exit=0" "$T/exit" || fail "exit status: $(cat "$T/exit")"
wait_for "test -s '$T/stty.after'" 5
# The terminal modes are as they were (echo, icanon back on).
diff "$T/stty.before" "$T/stty.after" >/dev/null || { diff "$T/stty.before" "$T/stty.after" >&2; fail "terminal modes changed"; }
ok "q restores the terminal"
if grep -q "Sanitizer" "$T/stderr"; then cat "$T/stderr" >&2; fail "sanitizer report on exit"; fi
if [ -n "${GT_CAPTURE_DIR:-}" ]; then cp "$T"/capture-*.txt "$GT_CAPTURE_DIR/"; fi

# --mouse: the wheel scrolls, a click selects the row under it (X10 mouse reports, as tmux
# sends them to a TERM=screen pane).
$TMUX_CMD kill-server 2>/dev/null
tmux_server m
$TMUX_CMD new-session -d -x 100 -y 20 \
	"cd '$T' && LANG=C.UTF-8 LC_ALL=C.UTF-8 '$GAMMATOP' console -f m --mouse 2>/dev/null; sleep 30" ||
	fail "cannot start tmux"
expect "GatewayClass eg" "mouse session"
$TMUX_CMD send-keys -H 1b 5b 4d 61 2a 28   # wheel down at (9, 7)
sleep 0.4; cap
grep -q " 4/" "$T/screen" || { cat "$T/screen" >&2; fail "wheel did not scroll 3 rows"; }
$TMUX_CMD send-keys -H 1b 5b 4d 20 2a 28 1b 5b 4d 23 2a 28   # click on screen line 7
sleep 0.6; cap
grep -q " 5/" "$T/screen" || { cat "$T/screen" >&2; fail "click did not select the row under it"; }
ok "mouse: wheel and click"

# Colours as tmux sees them (capture-pane -e): the default theme's header background and dim
# text, a shipped theme by file, NO_COLOR (attributes only: the header is reversed).
colours() { # $1: name, $2: environment, $3: options
	tmux_server c
	$TMUX_CMD kill-server 2>/dev/null
	$TMUX_CMD new-session -d -x 100 -y 12 \
		"cd '$T' && env $2 TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 '$GAMMATOP' console -f m $3 2>/dev/null; sleep 30" ||
		fail "cannot start tmux ($1)"
	expect "GatewayClass eg" "colours: $1"
	$TMUX_CMD capture-pane -e -p > "$T/colours.$1"
	$TMUX_CMD kill-server 2>/dev/null
}
colours default "" ""
grep -q "48;5;24m" "$T/colours.default" || fail "default theme: no header background colour24"
grep -q "38;5;245m" "$T/colours.default" || fail "default theme: no dim colour245"
colours light "" "--theme $GT_SRCDIR/themes/light.theme"
grep -q "48;5;25m" "$T/colours.light" || fail "light theme: no header background colour25"
colours nocolor "NO_COLOR=1" ""
grep -q "38;5;\|48;5;" "$T/colours.nocolor" && fail "NO_COLOR: colours were sent"
grep -q "7m" "$T/colours.nocolor" || fail "NO_COLOR: the header is not reversed"
ok "colours: default, --theme FILE, NO_COLOR"

# SIGTERM ends the console cleanly; a fatal signal (SEGV) restores the terminal, then kills.
for sig in TERM SEGV; do
	cat > "$T/sig.sh" <<EOF
#!/bin/sh
cd "$T"
stty -a > "$T/stty.before.$sig" 2>&1
LANG=C.UTF-8 LC_ALL=C.UTF-8 ASAN_OPTIONS=handle_segv=0 sh -c 'echo \$\$ > "$T/pid.$sig"; exec "$GAMMATOP" console -f m' 2>/dev/null
echo "status=\$?" > "$T/exit.$sig"
stty -a > "$T/stty.after.$sig" 2>&1
sleep 30
EOF
	chmod +x "$T/sig.sh"
	$TMUX_CMD kill-server 2>/dev/null
	tmux_server "$sig"
	$TMUX_CMD new-session -d -x 100 -y 20 "$T/sig.sh" || fail "cannot start tmux"
	expect "GatewayClass eg" "console for SIG$sig"
	kill -"$sig" "$(cat "$T/pid.$sig")"
	wait_for "test -s '$T/stty.after.$sig'" 10 || fail "SIG$sig did not end the console"
	diff "$T/stty.before.$sig" "$T/stty.after.$sig" >/dev/null ||
		{ diff "$T/stty.before.$sig" "$T/stty.after.$sig" >&2; fail "terminal not restored after SIG$sig"; }
	ok "SIG$sig: terminal restored ($(cat "$T/exit.$sig"))"
	$TMUX_CMD kill-server 2>/dev/null
done
exit 0
