#!/bin/sh
# kube-faults.sh: a flaky API server (20% of requests 500, 10% 429 with Retry-After) slows
# the sync down but does not break it: gammatop backs off, retries, never gives up, and ends
# with exactly the sim's objects.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/kube-lib.sh"
command -v jq >/dev/null || skip "jq not installed"
command -v curl >/dev/null || skip "curl not installed"

kube_start_sim sim --generate routes=1200,services=600 --error-rate 0.2 --throttle-rate 0.1
kube_kubeconfig "$T/kc"
timeout 120 "$GAMMATOP" watch --kubeconfig "$T/kc" -o json --until-synced --stats \
	>"$T/ev.json" 2>"$T/err" || { tail -5 "$T/err" >&2; fail "no sync against a flaky server"; }
kube_admin "faults?errorRate=0&throttleRate=0"
kube_sim_list >"$T/want"
kube_replay "$T/ev.json" >"$T/got"
diff -u "$T/want" "$T/got" >/dev/null || fail "state differs from the sim's list"
grep -q "retrying" "$T/err" || fail "no error was reported while retrying"
secs=$(sed -n 's/.*stats (synced): \([0-9.]*\) s since start.*/\1/p' "$T/err")
ok "synced $(wc -l <"$T/got") objects through injected 500/429 errors in ${secs} s"

# A batch command against the flaky server: retried, not given up (exit 0 or 1, not 2).
kube_admin "faults?errorRate=0.2&throttleRate=0.1"
rc=0
timeout 120 "$GAMMATOP" lint --kubeconfig "$T/kc" --request-timeout 100 >/dev/null 2>"$T/lint.err" || rc=$?
[ "$rc" = 0 ] || [ "$rc" = 1 ] || { cat "$T/lint.err" >&2; fail "lint gave up on a flaky server (exit $rc)"; }
ok "lint against the flaky server: exit $rc"
