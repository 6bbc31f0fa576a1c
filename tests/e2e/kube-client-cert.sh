#!/bin/sh
# kube-client-cert.sh: gammatop against gammatop-sim with a client certificate: from the
# kubeconfig's -data fields, and from files named relative to the kubeconfig's directory
# (read into memory; nothing is written to disk). Without a certificate the sim refuses.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/kube-lib.sh"
command -v jq >/dev/null || skip "jq not installed"
command -v curl >/dev/null || skip "curl not installed"

kube_start_sim sim --tls "$T/tls" --client-cert-auth --generate routes=30,services=10 \
	--kubeconfig-out "$T/kc"
grep -q client-certificate "$T/kc" || fail "the sim's kubeconfig has no client certificate"
SIM_CURL_AUTH="--cacert $T/tls/ca.crt --cert $T/tls/client.crt --key $T/tls/client.key"

timeout 30 "$GAMMATOP" watch --kubeconfig "$T/kc" -o json --until-synced >"$T/ev.json" \
	2>"$T/w.err" || { cat "$T/w.err" >&2; fail "client certificate (-data) failed"; }
kube_replay "$T/ev.json" >"$T/got"
kube_sim_list >"$T/want"
diff -u "$T/want" "$T/got" || fail "state differs from the sim's list"
ok "client certificate from -data: $(wc -l <"$T/got") objects"

# Files, relative to the kubeconfig's own directory, and the current directory elsewhere.
mkdir -p "$T/conf/sub"
cat >"$T/conf/sub/config" <<EOK
apiVersion: v1
kind: Config
current-context: files
clusters:
- name: sim
  cluster:
    server: $SIM_URL
    certificate-authority: ../../tls/ca.crt
contexts:
- name: files
  context: {cluster: sim, user: files}
users:
- name: files
  user:
    client-certificate: ../../tls/client.crt
    client-key: ../../tls/client.key
EOK
(cd / && timeout 30 "$GAMMATOP" watch --kubeconfig "$T/conf/sub/config" -o json --until-synced) \
	>"$T/ev2.json" 2>"$T/w2.err" || { cat "$T/w2.err" >&2; fail "client certificate files failed"; }
kube_replay "$T/ev2.json" | diff -u "$T/want" - || fail "state differs (files)"
ok "client certificate and CA from relative files"

# Key without certificate: the kubeconfig error names the user and the file.
grep -v "client-certificate:" "$T/conf/sub/config" >"$T/conf/sub/nocert"
if "$GAMMATOP" lint --kubeconfig "$T/conf/sub/nocert" >/dev/null 2>"$T/nc.err"; then
	fail "a key without a certificate was accepted"
fi
grep -q "user 'files' in $T/conf/sub/nocert: client-key set without client-certificate" "$T/nc.err" ||
	{ cat "$T/nc.err" >&2; fail "unclear kubeconfig error"; }
ok "kubeconfig error: $(cat "$T/nc.err")"

# No client certificate at all: the sim refuses; exit 2.
grep -v "client-" "$T/conf/sub/config" >"$T/conf/sub/anon"
if timeout 30 "$GAMMATOP" lint --kubeconfig "$T/conf/sub/anon" >/dev/null 2>"$T/an.err"; then
	fail "no certificate was accepted"
fi
ok "no certificate: refused ($(head -1 "$T/an.err" | cut -c1-140))"
