#!/bin/sh
# kube-exec-plugin.sh: a client.authentication.k8s.io exec credential plugin for the e2e
# tests. Appends one line to $PLUGIN_COUNT per call, saves KUBERNETES_EXEC_INFO in
# $PLUGIN_INFO, and prints an ExecCredential for $PLUGIN_TOKEN that expires in
# $PLUGIN_EXPIRY seconds. With $PLUGIN_FIRST_WRONG set, the first call gives a wrong token.
# With $PLUGIN_FAIL set, it fails with that text on stderr. With $PLUGIN_READ set, it prompts
# on stderr and reads the token from stdin (interactive login). With $PLUGIN_HANG set, it
# starts a child that sleeps (its pid in the file $PLUGIN_HANG) and waits for it: it never
# answers.
n=0
[ -f "$PLUGIN_COUNT" ] && n=$(wc -l <"$PLUGIN_COUNT")
echo call >>"$PLUGIN_COUNT"
[ -n "${PLUGIN_INFO:-}" ] && printf '%s\n' "${KUBERNETES_EXEC_INFO:-}" >"$PLUGIN_INFO"
if [ -n "${PLUGIN_HANG:-}" ]; then
	sleep 300 &
	echo $! >"$PLUGIN_HANG"
	wait
fi
if [ -n "${PLUGIN_FAIL:-}" ]; then
	echo "$PLUGIN_FAIL" >&2
	exit 3
fi
tok=$PLUGIN_TOKEN
if [ -n "${PLUGIN_READ:-}" ]; then
	printf 'One-time code for the e2e test: ' >&2
	read -r tok || exit 5
fi
[ -n "${PLUGIN_FIRST_WRONG:-}" ] && [ "$n" = 0 ] && tok=wrong-first-token
exp=$(date -u -d "+${PLUGIN_EXPIRY:-3600} sec" +%Y-%m-%dT%H:%M:%SZ)
api=${PLUGIN_API:-client.authentication.k8s.io/v1}
printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"%s"}}\n' \
	"$api" "$tok" "$exp"
