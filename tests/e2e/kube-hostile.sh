#!/bin/sh
# kube-hostile.sh: hostile or broken API answers give a clear error (exit 2 for the batch
# commands, text free of terminal escapes), never a crash or a hang: a list nested 100,000
# deep, an HTML page with escapes instead of JSON, items of the wrong types (skipped, named,
# counted as input errors; watch says so once), a 500 Status with escapes in its message,
# a continue token that never changes (a proxy dropping the query), a discovery answered by an HTML page or by
# 503 until the deadline (the reason is given), and an 80 MiB watch line (discarded; the
# next event still arrives). The fake server is tests/e2e/kube-hostile-server.py.
. "$GT_SRCDIR/tests/e2e/lib.sh"
[ -x "$GAMMATOP" ] || skip "gammatop not built"
command -v python3 >/dev/null 2>&1 || skip "python3 not found"
SERVER="$GT_SRCDIR/tests/e2e/kube-hostile-server.py"

# hostile MODE: start the fake server in MODE and write $T/kc for it.
hostile() {
	[ -n "${HPID:-}" ] && kill "$HPID" 2>/dev/null
	python3 "$SERVER" "$1" >"$T/$1.srv" 2>&1 &
	HPID=$!
	gt_track "$HPID"
	wait_for "grep -q '^serving ' '$T/$1.srv'" 10 || { cat "$T/$1.srv" >&2; fail "$1: the fake server did not start"; }
	url=$(sed -n 's/^serving //p' "$T/$1.srv")
	printf 'current-context: t\nclusters: [{name: c, cluster: {server: "%s"}}]\ncontexts: [{name: t, context: {cluster: c}}]\n' \
		"$url" >"$T/kc"
}

# expect MODE CMD RC TEXT: run `gammatop CMD` (at most 30 s), want exit RC, TEXT in stderr,
# and no ESC or BEL byte in stdout or stderr.
expect() {
	rc=0
	timeout 30 "$GAMMATOP" $2 --kubeconfig "$T/kc" --request-timeout 3 >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = "$3" ] || { cat "$T/err" >&2; fail "$1: gammatop $2: exit $rc, expected $3"; }
	grep -qF -- "$4" "$T/err" || { cat "$T/err" >&2; fail "$1: gammatop $2: no '$4' in the message"; }
	n=$(cat "$T/out" "$T/err" | tr -cd '\033\007' | wc -c)
	[ "$n" = 0 ] || fail "$1: gammatop $2: $n terminal control byte(s) reached the output"
	ok "$1: gammatop $2: exit $rc: $(head -1 "$T/err" | cut -c1-160)"
}

hostile deep
expect deep routes 2 "list httproutes: the answer is not a list (not JSON: maximum parsing depth"

hostile garbage
expect garbage lint 2 "it starts with \"<html>?]0;owned??[2J proxy says hi</html>\""

hostile types
expect types routes 0 "HTTPRoute: 3 object(s) could not be read and are left out; the first: "
grep -q 'HTTPRoute   evil?\[31m' "$T/out" || { cat "$T/out" >&2; fail "types: the good route is missing"; }
expect types lint 2 "lint: 3 input problem(s) reported above"
expect types "snapshot -o json" 0 "could not be read"
grep -q '"inputErrors": 3' "$T/out" || fail "types: the snapshot does not count the skipped objects"
# watch says it once, though the fake server's empty watches make it list again and again
timeout 30 "$GAMMATOP" watch --for 3s --kubeconfig "$T/kc" >"$T/out" 2>"$T/err" || fail "types: watch failed"
[ "$(grep -c 'HTTPRoute: 3 object(s) could not be read' "$T/err")" = 1 ] ||
	{ cat "$T/err" >&2; fail "types: watch does not report the skipped objects exactly once"; }
ok "types: gammatop watch reports the skipped objects once"

hostile status
expect status snapshot 2 "list httproutes: boom ?]0;owned??[2J (the API server failed"

hostile continue
expect continue routes 2 "the server answered the continue token with the same token again"

hostile discovery
expect discovery routes 2 "discover gateway.networking.k8s.io/v1: the answer is not an APIResourceList"

hostile disc503
expect disc503 lint 2 "discovery did not finish: discover gateway.networking.k8s.io/v1: etcd is ?[5mdown"

hostile longline
rc=0
timeout 30 "$GAMMATOP" watch --for 5s --kubeconfig "$T/kc" >"$T/watch" 2>"$T/err" || rc=$?
[ "$rc" = 0 ] || { cat "$T/err" >&2; fail "longline: watch exit $rc"; }
grep -q "ADDED *httproute d/after-long-line" "$T/watch" ||
	{ cat "$T/watch" "$T/err" >&2; fail "longline: the event after the long line was lost"; }
ok "longline: an 80 MiB watch line is dropped and the next event arrives"
