#!/bin/sh
# kube-unreachable.sh: with the API server unreachable at start, batch commands fail within a
# bounded time (the `timeout` wrapper is the bound) with a clear message and exit status 2:
# a refused connection, a server that never answers (--request-timeout), and a kubeconfig
# that names no usable context.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/kube-lib.sh"

# A port on 127.0.0.1 where nothing listens: bind one, note it, close it.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null) || port=1
cat >"$T/kc" <<EOK
apiVersion: v1
kind: Config
current-context: down
clusters: [{name: down, cluster: {server: "https://127.0.0.1:$port", insecure-skip-tls-verify: true}}]
contexts: [{name: down, context: {cluster: down, user: u}}]
users: [{name: u, user: {token: not-shown-anywhere}}]
EOK
for cmd in lint snapshot routes; do
	"$GAMMATOP" $cmd --help >/dev/null 2>&1 || continue
	rc=0
	timeout 20 "$GAMMATOP" $cmd --kubeconfig "$T/kc" >/dev/null 2>"$T/$cmd.err" || rc=$?
	[ "$rc" = 2 ] || { cat "$T/$cmd.err" >&2; fail "$cmd: exit $rc with the server down, expected 2"; }
	grep -q "cannot reach the API server at https://127.0.0.1:$port" "$T/$cmd.err" ||
		{ cat "$T/$cmd.err" >&2; fail "$cmd: unclear message"; }
	grep -q "not-shown-anywhere" "$T/$cmd.err" && fail "$cmd: the token leaked into the message"
	ok "$cmd, connection refused: exit 2: $(head -1 "$T/$cmd.err")"
done

# A server that accepts connections but answers nothing for 10 minutes.
kube_start_sim slow --latency 600000
sed "s|https://127.0.0.1:$port|$SIM_URL|; /insecure/s/, insecure-skip-tls-verify: true//; /users:/d; s/, user: u//" \
	"$T/kc" >"$T/kc.slow"
rc=0
timeout 30 "$GAMMATOP" lint --kubeconfig "$T/kc.slow" --request-timeout 3 >/dev/null 2>"$T/slow.err" || rc=$?
[ "$rc" = 2 ] || { cat "$T/slow.err" >&2; fail "silent server: exit $rc, expected 2"; }
# (--request-timeout bounds each request, as kubectl's does: the first one to go unanswered
# is named; or the sync as a whole)
grep -Eq "not synced with $SIM_URL within 3 s|no answer in time from the API server at $SIM_URL" "$T/slow.err" || { cat "$T/slow.err" >&2; fail "silent server: unclear message"; }
ok "silent server, --request-timeout 3: exit 2: $(head -1 "$T/slow.err" | cut -c1-150)"

# No usable context.
rc=0
"$GAMMATOP" lint --kubeconfig "$T/kc" --context nope >/dev/null 2>"$T/ctx.err" || rc=$?
[ "$rc" = 2 ] || fail "unknown context: exit $rc"
grep -q "context 'nope' not found in $T/kc" "$T/ctx.err" || { cat "$T/ctx.err" >&2; fail "unclear context error"; }
ok "unknown context: $(cat "$T/ctx.err")"
