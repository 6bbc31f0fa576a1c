#!/bin/sh
# tests/e2e/app-secrets.sh: a password in a URL's userinfo, however odd (unencoded '/', '?',
# '#', '@'), in a kubeconfig server and in --prometheus never reaches stderr, the --log file,
# a snapshot or the console header: each shows the URL without it. And every command runs
# with core dumps off (RLIMIT_CORE 0, /proc/PID/limits), unless GAMMATOP_ALLOW_CORE=1.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/kube-lib.sh"
command -v jq >/dev/null 2>&1 || skip "jq is not installed"

start_sim --generate namespaces=2,gateways=1,services=4,routes=6
PORT=${SIM_URL##*:}
KPW='KuBe/pw?x#y@z' # the server's password: each secret has a marker grep looks for
PPW='PrOm/p?w#d'    # the Prometheus password
# kubeconfig FILE SERVER
kubeconfig() {
	cat >"$1" <<EOK
apiVersion: v1
kind: Config
current-context: sim
clusters: [{name: sim, cluster: {server: "$2"}}]
contexts: [{name: sim, context: {cluster: sim}}]
EOK
}
kubeconfig "$T/kc" "http://ann:$KPW@127.0.0.1:$PORT"
kubeconfig "$T/kc.down" "http://ann:$KPW@127.0.0.1:1"
kubeconfig "$T/kc.bare" "ann:$KPW@127.0.0.1:1"

clean() { # WHAT FILE...: none of the files holds either password (or a piece of one)
	_what=$1; shift
	for _f in "$@"; do
		if grep -qE 'KuBe|PrOm|pw\?x|p\?w#d' "$_f"; then
			fail "$_what: a password reached $(basename "$_f"): $(grep -E 'KuBe|PrOm' "$_f" | head -2)"
		fi
	done
}

# 1. A working cluster: the snapshot's source names the server without the password.
"$GAMMATOP" snapshot --kubeconfig "$T/kc" --log "$T/log1" -o json >"$T/s.json" 2>"$T/e1" ||
	fail "snapshot: $(cat "$T/e1")"
clean "snapshot" "$T/s.json" "$T/e1" "$T/log1"
jq -e --arg s "http://127.0.0.1:$PORT" '.source.server == $s' "$T/s.json" >/dev/null ||
	fail "snapshot source: $(jq -c .source "$T/s.json")"
grep -q "http: GET http://127.0.0.1:$PORT/" "$T/log1" || fail "the log does not show the requests"
ok "snapshot: source.server $(jq -r .source.server "$T/s.json"), nothing in stderr or the log"

# 2. --prometheus with such a password, unreachable: errors name it without the password.
"$GAMMATOP" routes --kubeconfig "$T/kc" --log "$T/log2" --request-timeout 5 \
	--prometheus "http://pat:$PPW@127.0.0.1:1/prom" >"$T/r.txt" 2>"$T/e2"
clean "routes --prometheus" "$T/r.txt" "$T/e2" "$T/log2"
grep -q "127.0.0.1:1" "$T/e2" "$T/log2" || fail "the Prometheus error does not name the server: $(cat "$T/e2")"
"$GAMMATOP" top --kubeconfig "$T/kc" --request-timeout 5 -o json \
	--prometheus "pat:$PPW@127.0.0.1:1" >"$T/t.json" 2>"$T/e3"
clean "top with a scheme-less --prometheus" "$T/t.json" "$T/e3"
grep -q "'\*\*\*@127.0.0.1:1' is not an http" "$T/e3" || fail "top: $(cat "$T/e3")"
ok "--prometheus: $(grep -m1 127.0.0.1:1 "$T/e2" | cut -c1-100)"

# 3. An unreachable server (with and without a scheme): the error names it, not the password.
for kc in kc.down kc.bare; do
	rc=0
	"$GAMMATOP" lint --kubeconfig "$T/$kc" --request-timeout 3 --log "$T/log.$kc" \
		>/dev/null 2>"$T/e.$kc" || rc=$?
	[ "$rc" = 2 ] || fail "$kc: exit $rc"
	clean "$kc" "$T/e.$kc" "$T/log.$kc"
	grep -q "127.0.0.1:1" "$T/e.$kc" || fail "$kc: the error does not name the server: $(cat "$T/e.$kc")"
done
ok "unreachable server: $(head -1 "$T/e.kc.down" | cut -c1-100)"

# 4. The console header.
XDG_CACHE_HOME="$T/cache" GAMMATOP_HEADLESS=200x6 LANG=C.UTF-8 LC_ALL=C.UTF-8 \
	"$GAMMATOP" console --kubeconfig "$T/kc" --no-telemetry --dump-screen --log "$T/log4" \
	>"$T/screen" 2>"$T/e4" || fail "console --dump-screen: $(cat "$T/e4")"
grep -q "127.0.0.1:$PORT" "$T/screen" || fail "the header does not show the server: $(head -2 "$T/screen")"
clean "console" "$T/screen" "$T/e4" "$T/log4"
ok "console header: $(head -1 "$T/screen" | cut -c1-80)"

# 5. Core dumps: off in a running command (soft RLIMIT_CORE 0), on with GAMMATOP_ALLOW_CORE=1.
# core_limit [ENV...]: "Max core file size" soft limit of a running `watch`.
core_limit() {
	(
		ulimit -c unlimited 2>/dev/null || ulimit -c "$(ulimit -H -c)"
		rm -f "$T/log5"
		# (ASan sets the soft limit to 0 itself unless told not to)
		env ASAN_OPTIONS="${ASAN_OPTIONS:-}:disable_coredump=0" "$@" "$GAMMATOP" watch --kubeconfig "$T/kc" -o none --for 20s --log "$T/log5" \
			>/dev/null 2>&1 &
		p=$!
		wait_for "grep -q ': watch' '$T/log5'" 10 # past main()'s start
		awk '/^Max core file size/ {print $5}' "/proc/$p/limits"
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	)
}
if [ "$(ulimit -H -c)" = 0 ]; then # (the unit test test_secret still checks it)
	ok "core dumps: the hard limit is 0 here, nothing to tell"
	exit 0
fi
got=$(core_limit GAMMATOP_X=1)
[ "$got" = 0 ] || fail "core dumps are not disabled: soft limit $got"
got=$(core_limit GAMMATOP_ALLOW_CORE=1)
[ "$got" != 0 ] && [ -n "$got" ] || fail "GAMMATOP_ALLOW_CORE=1 did not keep core dumps: $got"
ok "core dumps off (soft RLIMIT_CORE 0); GAMMATOP_ALLOW_CORE=1 keeps them ($got)"
