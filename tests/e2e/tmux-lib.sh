# tests/e2e/tmux-lib.sh: drive the real console in a private tmux server, for the ui-* end-to-end
# tests. Source after lib.sh; skips the test when tmux is not installed.
#   tmux_init NAME SECS   private tmux servers named gt-NAME-$$ (NAME also prefixes keep's
#                         copies), every one used is killed on exit (then gt_cleanup runs);
#                         SECS is how long expect waits by default. Sets TMUX_CMD (tmux on
#                         that server, no config file), e.g.
#                           tmux_init ui-tmux 10
#                           $TMUX_CMD new-session -d -x 120 -y 40 "$T/run.sh" || fail "..."
#   tmux_server SUFFIX    point TMUX_CMD at another private server, gt-NAME-$$-SUFFIX (for a
#                         second console while the first may still be exiting).
#   cap                   capture the screen into $T/screen.
#   keys KEYS...          send KEYS (tmux send-keys), wait 0.3 s, capture.
#   expect TEXT WHY [SECS]
#                         wait (at most SECS, default tmux_init's) until the screen shows TEXT
#                         (a grep pattern), then capture; else print the screen and fail
#                         naming TEXT and WHY.
#   keep N                copy the last capture to $T/capture-N.txt and, when GT_CAPTURE_DIR
#                         is set, to $GT_CAPTURE_DIR/NAME-N.txt.
command -v tmux >/dev/null 2>&1 || skip "tmux is not installed"

TMUX_SOCKS=""
tmux_cleanup() {
	for _s in $TMUX_SOCKS; do tmux -L "$_s" kill-server 2>/dev/null; done
	gt_cleanup
}
trap tmux_cleanup EXIT

tmux_init() {
	TMUX_NAME=$1
	TMUX_EXPECT_SECS=$2
	TMUX_SOCK="gt-$1-$$"
	TMUX_SOCKS="$TMUX_SOCK"
	TMUX_CMD="tmux -L $TMUX_SOCK -f /dev/null"
}
tmux_server() {
	case " $TMUX_SOCKS " in *" $TMUX_SOCK-$1 "*) ;; *) TMUX_SOCKS="$TMUX_SOCKS $TMUX_SOCK-$1" ;; esac
	TMUX_CMD="tmux -L $TMUX_SOCK-$1 -f /dev/null"
}
cap() { $TMUX_CMD capture-pane -p > "$T/screen"; }
keys() { $TMUX_CMD send-keys "$@"; sleep 0.3; cap; }
expect() {
	wait_for "$TMUX_CMD capture-pane -p | grep -q -- \"$1\"" "${3:-$TMUX_EXPECT_SECS}" ||
		{ $TMUX_CMD capture-pane -p >&2; fail "screen never showed '$1' ($2)"; }
	cap
}
keep() {
	cp "$T/screen" "$T/capture-$1.txt"
	[ -n "${GT_CAPTURE_DIR:-}" ] && cp "$T/screen" "$GT_CAPTURE_DIR/$TMUX_NAME-$1.txt"
	return 0
}

# --- soak: a console that may die under test, driven round after round over every view ----
# (tests/e2e/ui-soak.sh, tests/bench/bench-soak.sh)
#   soak_init EXITFILE SANPREFIX
#                         the console's run script writes "exit=N" to EXITFILE when it ends;
#                         its sanitizer reports go to SANPREFIX.PID (ASAN_OPTIONS and
#                         UBSAN_OPTIONS log_path=SANPREFIX).
#   soak_pid              sets SOAK_PID, the console's process (the child of the pane's
#                         shell), stopped on exit before the temporary directory goes.
#   soak_alive WHY        fail at once when the console has ended: its exit status and the
#                         first 40 lines of each sanitizer report.
#   soak_reports          print the sanitizer reports so far (nothing when there is none).
#   see TEXT WHY [SECS]   expect TEXT (a grep pattern), but fail at once when the console has
#                         ended meanwhile; the header must be drawn ("gammatop │" on line 1).
#   gone TEXT WHY [SECS]  the same, until the screen no longer shows TEXT.
#   rows                  the current view's row count (M of the "N/M" ending line 2).
#   rows_become OP N WHY  wait until [ "$(rows)" OP N ] (OP: -lt, -eq, -gt, ...).
#   soak_round            one round of the key script over every view, checking each screen:
#                         topology (G/g, * and * again, h/l on the first node, a filter), Tab
#                         to routes (> < r r sort, route detail by Enter with w, the edit
#                         form by e on a filtered rule then Esc), findings (a route finding
#                         opened), history (H), help (?), :ns and back, C-r. It needs
#                         SOAK_TOP (the first topology row, e.g. "GatewayClass gammatop"),
#                         SOAK_FILTER (a topology filter that keeps some rows, not all),
#                         SOAK_EDIT (a routes-view filter whose first row is an HTTPRoute
#                         rule), SOAK_NS (a namespace with routes). Ends on the topology.
soak_init() {
	SOAK_EXIT=$1
	SOAK_SAN=$2
}
soak_pid() {
	_pane=$($TMUX_CMD display -p '#{pane_pid}')
	wait_for "pgrep -P '$_pane' -x gammatop" 10 || fail "no gammatop process under the tmux pane"
	SOAK_PID=$(pgrep -P "$_pane" -x gammatop | head -n 1)
	gt_track "$SOAK_PID"
}
soak_reports() {
	for _f in "$SOAK_SAN".*; do
		[ -s "$_f" ] || continue
		echo "---- $_f (first 40 lines)"
		head -n 40 "$_f"
	done
}
soak_alive() {
	[ -f "$SOAK_EXIT" ] || return 0
	$TMUX_CMD capture-pane -p >&2 2>/dev/null
	soak_reports >&2
	fail "the console ended ($(cat "$SOAK_EXIT")) while: $1"
}
see() {
	wait_for "test -f '$SOAK_EXIT' || { $TMUX_CMD capture-pane -p >'$T/screen' && grep -q -- \"$1\" '$T/screen'; }" \
		"${3:-$TMUX_EXPECT_SECS}"
	soak_alive "$2"
	grep -q -- "$1" "$T/screen" || { cat "$T/screen" >&2; fail "screen never showed '$1' ($2)"; }
	head -n 1 "$T/screen" | grep -q "gammatop │" || { cat "$T/screen" >&2; fail "no header ($2)"; }
}
gone() {
	wait_for "test -f '$SOAK_EXIT' || { $TMUX_CMD capture-pane -p >'$T/screen' && ! grep -q -- \"$1\" '$T/screen'; }" \
		"${3:-$TMUX_EXPECT_SECS}"
	soak_alive "$2"
	grep -q -- "$1" "$T/screen" && { cat "$T/screen" >&2; fail "screen still shows '$1' ($2)"; }
	head -n 1 "$T/screen" | grep -q "gammatop │" || { cat "$T/screen" >&2; fail "no header ($2)"; }
}
rows() { $TMUX_CMD capture-pane -p | sed -n '2s|.* [0-9][0-9]*/\([0-9][0-9]*\) *$|\1|p'; }
rows_become() {
	wait_for "test -f '$SOAK_EXIT' || [ \"\$(rows)\" $1 $2 ]" "$TMUX_EXPECT_SECS"
	soak_alive "$3"
	_r=$(rows)
	[ -n "$_r" ] && [ "$_r" "$1" "$2" ] || { cap; cat "$T/screen" >&2; fail "rows $_r, wanted $1 $2 ($3)"; }
}
# the routes table's column header (line 3): the sort indicator moves with < > r
soak_hdr() { $TMUX_CMD capture-pane -p | sed -n 3p; }
soak_hdr_is() { # OP WHY: wait until the header line OP (= or !=) $_want
	wait_for "test -f '$SOAK_EXIT' || [ \"\$(soak_hdr)\" $1 \"\$_want\" ]" "$TMUX_EXPECT_SECS" ||
		{ soak_alive "$2"; cap; cat "$T/screen" >&2; fail "sort header: wanted $1 '$_want' ($2)"; }
	soak_alive "$2"
}

# press KEYS...: send KEYS without waiting (in soak_round every key is followed by a check)
press() { $TMUX_CMD send-keys "$@"; }
soak_round() {
	# topology: first and last row, collapse/expand all, collapse/expand one node, a filter
	press Escape Escape Escape 1
	see "TOPOLOGY" "topology view"
	press g
	see "$SOAK_TOP" "topology: first row"
	_all=$(rows)
	[ -n "$_all" ] && [ "$_all" -gt 1 ] || { cap; cat "$T/screen" >&2; fail "topology row count '$_all'"; }
	press G
	see " $_all/$_all *\$" "G: last row"
	press g
	see " 1/$_all *\$" "g: first row"
	press "*"
	rows_become -lt "$_all" "* collapses all"
	press "*"
	rows_become -eq "$_all" "* again expands all"
	press h
	see "▸ $SOAK_TOP" "h collapses the first node"
	rows_become -lt "$_all" "h: fewer rows"
	press l
	see "▾ $SOAK_TOP" "l expands it again"
	rows_become -eq "$_all" "l: all rows again"
	press / "$SOAK_FILTER" Enter
	see "filter /$SOAK_FILTER" "topology filter"
	rows_become -lt "$_all" "the filter keeps fewer rows"
	press Escape
	gone "filter /" "Esc clears the filter"
	rows_become -eq "$_all" "all rows again without the filter"

	# routes: sort by the next, the previous column, reverse twice
	press Tab
	see "TIMEOUT%" "Tab: routes view"
	_want=$(soak_hdr)
	press ">"
	soak_hdr_is != "> sorts by the next column"
	soak_hdr | grep -q "[▼▲]" || fail "no sort indicator after >"
	press "<"
	soak_hdr_is = "< sorts by the previous column again"
	press r
	soak_hdr_is != "r reverses the order"
	press r
	soak_hdr_is = "r again"
	# route detail and its figures window
	press g Enter
	see "computed from spec" "Enter: route detail"
	see "routes › " "route detail breadcrumbs"
	press w
	see "figures window: 1h" "w: next figures window"
	press w
	see "figures window: 6h" "w again"
	press Escape
	see "TIMEOUT%" "Esc: back to the routes view"
	# the edit form on a rule, cancelled
	press / "$SOAK_EDIT" Enter
	see "filter /" "routes filter"
	press e
	see "edit httproute/" "e: the edit form"
	# the form, or (the API server unreachable) why the route could not be read
	see "Esc: cancel\|any key: close" "the form's key hints"
	press Escape
	gone "edit httproute/" "Esc cancels the form"
	see "TIMEOUT%" "the routes view after the form"
	press Escape
	gone "filter /" "Esc clears the routes filter"

	# findings: a route finding opens the route's detail; history; help
	press 3
	see "SEVERITY" "findings view"
	press / "httproute/" Enter
	see "filter /httproute/" "findings filter"
	press g Enter
	see "computed from spec" "a route finding opens the route"
	see "findings › " "findings breadcrumbs"
	press Escape
	see "SEVERITY" "back to the findings"
	press Escape H
	see "› history" "H: history"
	press Escape
	see "SEVERITY" "back from history"
	press "?"
	see "move down" "?: help"
	press Escape
	gone "move down" "Esc leaves the help"

	# :ns and back
	press 1 : "ns $SOAK_NS" Enter
	see "ns $SOAK_NS │" ":ns $SOAK_NS"
	see "TOPOLOGY" "topology in :ns $SOAK_NS"
	if grep "HTTPRoute [^ ]*/" "$T/screen" | grep -qv "HTTPRoute $SOAK_NS/"; then
		cat "$T/screen" >&2
		fail ":ns $SOAK_NS shows another namespace's route"
	fi
	press : "ns all" Enter
	see "ns all │" ":ns all"
	rows_become -eq "$_all" "all rows again after :ns all"
	press C-r
	see "TOPOLOGY" "C-r: refresh"
}
