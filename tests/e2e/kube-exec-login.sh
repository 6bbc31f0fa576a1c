#!/bin/sh
# kube-exec-login.sh: an exec plugin that logs the user in (a device-code prompt on its
# stderr, then a wait) behaves as under kubectl 1.32 (client-go exec.go gives the plugin
# the process's stderr): the prompt reaches the user's stderr while the plugin still waits,
# KUBERNETES_EXEC_INFO says interactive false without a terminal, and a login longer than
# --request-timeout does not fail the command (kubectl's discovery retries after it). A
# plugin that hangs silently is still a hang (kube-exec.sh). The console shows the prompt on its
# status bar.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/kube-lib.sh"
KUBECTL=/usr/lib/google-cloud-sdk/bin/kubectl.1.32
[ -x "$KUBECTL" ] || KUBECTL=""

kube_start_sim sim --demo --tls "$T/tls" --token tok-login
cat >"$T/plugin.sh" <<'EOP'
#!/bin/sh
# prompt, then "wait for the user" (4 s), then the credential; the prompt's time is kept
i=$(printf '%s' "$KUBERNETES_EXEC_INFO" | sed -n 's/.*"interactive":\([a-z]*\).*/\1/p')
echo "To sign in, open https://device.example.test/ and enter ABCD-1234 (interactive $i)" >&2
date +%s.%N >"$PLUGIN_MARK"
sleep 4
echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"tok-login"}}'
EOP
chmod +x "$T/plugin.sh"
cat >"$T/kc" <<EOK
apiVersion: v1
kind: Config
current-context: sim
clusters: [{name: sim, cluster: {server: "$SIM_URL", certificate-authority: "$T/tls/ca.crt"}}]
contexts: [{name: sim, context: {cluster: sim, user: u}}]
users:
- name: u
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: $T/plugin.sh
      interactiveMode: IfAvailable
EOK

# run CLIENT: exit status and the prompt line as the client showed it, stdin not a terminal.
run() {
	export PLUGIN_MARK="$T/mark.$1"
	if [ "$1" = kubectl ]; then
		HOME=$T "$KUBECTL" --kubeconfig "$T/kc" --request-timeout 2s get gateways -A \
			</dev/null >/dev/null 2>"$T/$1.err"
	else
		timeout 60 "$GAMMATOP" routes --kubeconfig "$T/kc" --request-timeout 2 \
			</dev/null >"$T/$1.out" 2>"$T/$1.err"
	fi
	echo "exit $? $(grep -o 'To sign in.*' "$T/$1.err" | head -1)"
}
want="exit 0 To sign in, open https://device.example.test/ and enter ABCD-1234 (interactive false)"
if [ -n "$KUBECTL" ]; then
	k=$(run kubectl)
	[ "$k" = "$want" ] || { cat "$T/kubectl.err" >&2; fail "kubectl: '$k', expected '$want'"; }
fi
# gammatop: the prompt must be on stderr before the plugin finishes: watch the file.
start=$(date +%s)
g=$(run gammatop)
[ "$g" = "$want" ] || { cat "$T/gammatop.err" >&2; fail "gammatop: '$g', expected '$want'${KUBECTL:+ (as kubectl)}"; }
[ "$(( $(date +%s) - start ))" -ge 4 ] || fail "the login did not take its 4 s?"
grep -q '^shop ' "$T/gammatop.out" || fail "no routes after the login"
ok "a 4 s device-code login with --request-timeout 2: prompt shown, exit 0${KUBECTL:+, as kubectl 1.32}"

# The prompt is shown while the plugin waits, not after: a slow run, stderr read at 2 s.
export PLUGIN_MARK="$T/mark.live"
timeout 60 "$GAMMATOP" lint --kubeconfig "$T/kc" --request-timeout 2 </dev/null >/dev/null 2>"$T/live.err" &
pid=$!
gt_track $pid
wait_for "[ -s '$T/mark.live' ]" 10 || fail "the plugin did not start"
sleep 1.5
grep -q 'To sign in' "$T/live.err" || fail "the prompt is not shown while the plugin waits"
wait $pid
ok "the prompt reaches stderr while the plugin waits"

# The console owns the terminal: the prompt goes to its status bar while the plugin waits.
export PLUGIN_MARK="$T/mark.console"
GAMMATOP_HEADLESS=160x20 GAMMATOP_KEYS='<Wait:2500>' XDG_CACHE_HOME="$T/cache" \
	timeout 60 "$GAMMATOP" console --kubeconfig "$T/kc" --no-telemetry --dump-screen \
	</dev/null >"$T/screen" 2>"$T/console.err" || { cat "$T/console.err" >&2; fail "console"; }
grep -q 'exec plugin: To sign in, open https://device.example.test/ and enter ABCD-1234' "$T/screen" ||
	{ cat "$T/screen" >&2; fail "the console does not show the plugin's prompt"; }
grep -q 'To sign in' "$T/console.err" && fail "the console let the plugin write over its screen"
ok "console: the plugin's prompt is on the status bar, not over the screen"
