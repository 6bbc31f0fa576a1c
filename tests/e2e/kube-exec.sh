#!/bin/sh
# kube-exec.sh: exec credential plugins (v1 and v1beta1) against gammatop-sim: the plugin runs
# once for the many requests of a sync (not per request), again after its credential expires,
# again after a 401; it gets KUBERNETES_EXEC_INFO (with the cluster when provideClusterInfo)
# and exec.env; a failing plugin's stderr is shown and the command exits 2; a plugin that
# hangs is named in the error and killed with every process it started.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/kube-lib.sh"
command -v jq >/dev/null || skip "jq not installed"
command -v curl >/dev/null || skip "curl not installed"
date -u -d "+1 sec" >/dev/null 2>&1 || skip "GNU date needed by the plugin"

kube_start_sim sim --tls "$T/tls" --token exec-tok-123 --generate routes=40,services=10 \
	--bookmark-interval 1
SIM_CURL_AUTH="--cacert $T/tls/ca.crt --oauth2-bearer exec-tok-123"

# kubeconfig NAME APIVERSION [extra exec lines]
kubeconfig() {
	cat >"$T/$1" <<EOK
apiVersion: v1
kind: Config
current-context: x
clusters:
- name: sim
  cluster: {server: "$SIM_URL", certificate-authority: tls/ca.crt}
contexts:
- name: x
  context: {cluster: sim, user: plug}
users:
- name: plug
  user:
    exec:
      apiVersion: $2
      command: $GT_SRCDIR/tests/e2e/kube-exec-plugin.sh
      interactiveMode: Never
      provideClusterInfo: true
      installHint: "install the plugin from the tests"
      env:
      - {name: PLUGIN_TOKEN, value: exec-tok-123}
      - {name: PLUGIN_API, value: $2}
EOK
}
kubeconfig kc client.authentication.k8s.io/v1
export PLUGIN_COUNT PLUGIN_INFO PLUGIN_EXPIRY PLUGIN_FIRST_WRONG PLUGIN_FAIL PLUGIN_READ PLUGIN_HANG

# 1. Once per sync: discovery + 7 lists + 7 watches share one credential.
PLUGIN_COUNT=$T/count1 PLUGIN_INFO=$T/info PLUGIN_EXPIRY=3600
timeout 30 "$GAMMATOP" watch --kubeconfig "$T/kc" -o json --until-synced >"$T/ev.json" \
	2>"$T/e1" || { cat "$T/e1" >&2; fail "exec plugin sync failed"; }
kube_replay "$T/ev.json" | diff -u - "$(kube_sim_list >"$T/want"; echo "$T/want")" ||
	fail "state differs from the sim's list"
[ "$(wc -l <"$T/count1")" = 1 ] || fail "plugin ran $(wc -l <"$T/count1") times for one sync"
jq -e '.kind == "ExecCredential" and .spec.interactive == false and
	(.spec.cluster.server | startswith("https://127.0.0.1:")) and
	(.spec.cluster["certificate-authority-data"] | length > 0)' "$T/info" >/dev/null ||
	fail "KUBERNETES_EXEC_INFO is wrong: $(cat "$T/info")"
ok "plugin ran once for a whole sync; KUBERNETES_EXEC_INFO carries the cluster"

# 2. Expiry: a 4 s credential; the watches are dropped after 6 s, so the re-watch needs a
# fresh credential: exactly one more run (valid past the end at 10 s).
PLUGIN_COUNT=$T/count2 PLUGIN_EXPIRY=4
timeout 30 "$GAMMATOP" watch --kubeconfig "$T/kc" -o none --for 10s 2>"$T/e2" &
wpid=$!
gt_track $wpid
sleep 6
kube_admin drop-watches $SIM_CURL_AUTH
wait $wpid || { cat "$T/e2" >&2; fail "watch with an expiring credential failed"; }
[ "$(wc -l <"$T/count2")" = 2 ] || fail "plugin ran $(wc -l <"$T/count2") times, expected 2 (once, then after expiry)"
ok "plugin ran again after its credential expired (2 runs)"

# 3. 401: the first credential is wrong; the client re-runs the plugin and retries.
PLUGIN_COUNT=$T/count3 PLUGIN_EXPIRY=3600 PLUGIN_FIRST_WRONG=1
timeout 30 "$GAMMATOP" watch --kubeconfig "$T/kc" -o none --until-synced 2>"$T/e3" ||
	{ cat "$T/e3" >&2; fail "no recovery after 401"; }
[ "$(wc -l <"$T/count3")" = 2 ] || fail "plugin ran $(wc -l <"$T/count3") times, expected 2 after a 401"
PLUGIN_FIRST_WRONG=
ok "a 401 re-runs the plugin once and the sync succeeds"

# 4. v1beta1 works the same way.
kubeconfig kc.beta client.authentication.k8s.io/v1beta1
PLUGIN_COUNT=$T/count4
timeout 30 "$GAMMATOP" watch --kubeconfig "$T/kc.beta" -o none --until-synced 2>"$T/e4" ||
	{ cat "$T/e4" >&2; fail "v1beta1 plugin failed"; }
ok "v1beta1 plugin"

# 5. A failing plugin: its stderr is shown, exit 2, no hang.
PLUGIN_COUNT=$T/count5 PLUGIN_FAIL="boom: no cached session, run 'login'"
if timeout 30 "$GAMMATOP" lint --kubeconfig "$T/kc" >/dev/null 2>"$T/e5"; then
	fail "a failing plugin was ignored"
else
	rc=$?
fi
PLUGIN_FAIL=
[ "$rc" = 2 ] || fail "failing plugin: exit $rc"
grep -q "boom: no cached session" "$T/e5" || { cat "$T/e5" >&2; fail "plugin stderr not shown"; }
ok "failing plugin: $(head -1 "$T/e5" | cut -c1-160)"

# 6. A plugin that does not exist: the install hint is shown.
sed "s|command: .*|command: no-such-plugin-gammatop|" "$T/kc" >"$T/kc.missing"
PLUGIN_COUNT=$T/count6
if timeout 30 "$GAMMATOP" lint --kubeconfig "$T/kc.missing" >/dev/null 2>"$T/e6"; then
	fail "a missing plugin was ignored"
fi
grep -q "install the plugin from the tests" "$T/e6" || { cat "$T/e6" >&2; fail "no install hint"; }
ok "missing plugin shows the installHint"

# 7. interactiveMode IfAvailable in a batch command on a terminal: the plugin prompts and
# reads from the terminal (as kubectl lets it); without a terminal it gets no input.
if command -v script >/dev/null 2>&1; then
	PLUGIN_COUNT=$T/count7 PLUGIN_READ=1
	sed 's/interactiveMode: Never/interactiveMode: IfAvailable/' "$T/kc" >"$T/kc.tty"
	rc=0
	(sleep 2; echo exec-tok-123) | timeout 30 script -qec "'$GAMMATOP' lint --kubeconfig '$T/kc.tty'" \
		/dev/null >"$T/e7" 2>&1 || rc=$?
	[ "$rc" = 0 ] || [ "$rc" = 1 ] || { cat "$T/e7" >&2; fail "interactive plugin on a terminal: exit $rc"; }
	grep -q "One-time code for the e2e test" "$T/e7" || { cat "$T/e7" >&2; fail "the plugin prompt was not shown"; }
	rc=0
	timeout 30 "$GAMMATOP" lint --kubeconfig "$T/kc.tty" </dev/null >/dev/null 2>"$T/e7b" || rc=$?
	[ "$rc" = 2 ] || fail "interactive plugin without a terminal: exit $rc"
	PLUGIN_READ=
	ok "interactive plugin: prompts on a terminal; fails cleanly without one"
fi

# 8. A plugin that hangs (after starting a child of its own): the batch command gives up
# after --request-timeout naming the plugin (not "discovery did not finish"), and neither
# the plugin nor its child is left running.
PLUGIN_COUNT=$T/count8 PLUGIN_HANG=$T/hang.pid
rc=0
timeout 30 "$GAMMATOP" lint --kubeconfig "$T/kc" --request-timeout 2 >/dev/null 2>"$T/e8" || rc=$?
PLUGIN_HANG=
[ "$rc" = 2 ] || { cat "$T/e8" >&2; fail "hanging plugin: exit $rc"; }
grep -q "exec plugin .*kube-exec-plugin.sh did not answer in 2 s" "$T/e8" ||
	{ cat "$T/e8" >&2; fail "the hanging plugin is not named"; }
grep -q "discovery did not finish" "$T/e8" && fail "hanging plugin reported as discovery: $(cat "$T/e8")"
[ -s "$T/hang.pid" ] || fail "the plugin did not start its child"
child=$(cat "$T/hang.pid")
gone() { [ ! -e "/proc/$child" ] || grep -q '^[^)]*) [ZX]' "/proc/$child/stat" 2>/dev/null; }
wait_for gone 5 || { kill "$child" 2>/dev/null; fail "the plugin's child $child survived the time-out"; }
ok "hanging plugin: $(head -1 "$T/e8" | cut -c1-120); its child was killed with it"
