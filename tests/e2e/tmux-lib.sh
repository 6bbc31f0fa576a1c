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
