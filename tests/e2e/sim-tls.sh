#!/bin/sh
# sim-tls.sh: gammatop-sim over TLS with a generated CA: bearer tokens (full and read-only),
# client certificates, 401/403 Status answers, the kubeconfig it writes (used by curl and,
# when installed, kubectl), and tokens kept out of its log.
. "$GT_SRCDIR/tests/e2e/lib.sh"
command -v curl >/dev/null || skip "curl not installed"
command -v jq >/dev/null || skip "jq not installed"
HOME="$T/home"
mkdir -p "$HOME"
export HOME

TOKEN=e2e-s3cret-token-4711
start_sim --demo -v --tls "$T/tls" --token "$TOKEN" --readonly-token e2e-viewer-token --client-cert-auth \
	--kubeconfig-out "$T/kc-token"
case "$SIM_URL" in https://127.0.0.1:*) ;; *) fail "not an https URL: $SIM_URL" ;; esac
for f in ca.crt server.crt server.key client.crt client.key; do
	[ -s "$T/tls/$f" ] || fail "missing $T/tls/$f"
done
[ "$(stat -c %a "$T/tls/server.key")" = 600 ] && [ "$(stat -c %a "$T/tls/client.key")" = 600 ] ||
	fail "private keys are not 0600"
[ "$(stat -c %a "$T/kc-token")" = 600 ] || fail "kubeconfig is not 0600"
ok "TLS material and kubeconfig written"

B="$T/body"
C() { curl -s -o "$B" -w '%{http_code}' --max-time 10 --cacert "$T/tls/ca.crt" "$@"; }
NS=/api/v1/namespaces
[ "$(C "$SIM_URL$NS")" = 401 ] || fail "no credentials: $(cat "$B")"
[ "$(jq -r '.kind + " " + .reason + " " + (.code|tostring)' "$B")" = "Status Unauthorized 401" ] || fail "401 body: $(cat "$B")"
[ "$(C -H "Authorization: Bearer wrong" "$SIM_URL$NS")" = 401 ] || fail "a wrong token was accepted"
[ "$(C -H "Authorization: Bearer $TOKEN" "$SIM_URL$NS")" = 200 ] || fail "token: $(cat "$B")"
[ "$(jq -r .kind "$B")" = NamespaceList ] || fail "list with token"
[ "$(C "$SIM_URL/healthz")" = 200 ] || fail "/healthz needs no credentials"
PORT=${SIM_URL##*:}
[ "$(C -H "Authorization: Bearer $TOKEN" "https://localhost:$PORT/version")" = 200 ] || fail "SAN localhost"
ok "401 without or with a wrong token, 200 with the token, SANs"

V="Authorization: Bearer e2e-viewer-token"
[ "$(C -H "$V" "$SIM_URL/apis/gateway.networking.k8s.io/v1/httproutes")" = 200 ] || fail "read-only token cannot read"
[ "$(C -H "$V" -X PATCH -H 'Content-Type: application/merge-patch+json' -d '{"metadata":{"labels":{"a":"b"}}}' \
	"$SIM_URL/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes/storefront")" = 403 ] ||
	fail "read-only token could write: $(cat "$B")"
[ "$(jq -r '.reason + " " + (.code|tostring)' "$B")" = "Forbidden 403" ] || fail "403 body: $(cat "$B")"
jq -r .message "$B" | grep -q 'User "token-viewer" cannot patch' || fail "403 message: $(cat "$B")"
[ "$(C -H "$V" -X POST "$SIM_URL/sim/v1/expire")" = 403 ] || fail "read-only token used the admin API"
ok "read-only token: 200 on reads, 403 Forbidden on writes"

[ "$(C --cert "$T/tls/client.crt" --key "$T/tls/client.key" "$SIM_URL$NS")" = 200 ] || fail "client certificate: $(cat "$B")"
if command -v openssl >/dev/null; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=intruder -days 1 \
		-keyout "$T/rogue.key" -out "$T/rogue.crt" >/dev/null 2>&1 || fail "openssl req"
	CODE=$(C --cert "$T/rogue.crt" --key "$T/rogue.key" "$SIM_URL$NS")
	[ "$CODE" = 401 ] || [ "$CODE" = 000 ] || fail "a certificate from another CA got $CODE"
fi
ok "client certificate signed by the sim's CA accepted, others refused"

# the written kubeconfig works for curl-like clients and kubectl
grep -q "server: $SIM_URL" "$T/kc-token" || fail "kubeconfig server"
grep -q 'certificate-authority-data: ' "$T/kc-token" || fail "kubeconfig CA"
if command -v kubectl >/dev/null; then
	kubectl --kubeconfig "$T/kc-token" --request-timeout 10s get httproutes -A >"$T/out" 2>&1 ||
		fail "kubectl with the token kubeconfig: $(cat "$T/out")"
	grep -q storefront "$T/out" || fail "kubectl output: $(cat "$T/out")"
	ok "kubectl --kubeconfig (token over TLS)"
fi
stop_sim || fail "unclean exit"
if grep -q "$TOKEN" "$SIM_LOG"; then fail "the token reached the log"; fi
if grep -q "e2e-viewer-token" "$SIM_LOG"; then fail "the read-only token reached the log"; fi
ok "tokens never logged"

# a second sim reuses the CA in the directory and writes a client-certificate kubeconfig
start_sim --demo --tls "$T/tls" --client-cert-auth --kubeconfig-out "$T/kc-cert"
grep -q 'client-certificate-data: ' "$T/kc-cert" && grep -q 'client-key-data: ' "$T/kc-cert" ||
	fail "client-certificate kubeconfig"
[ "$(C --cert "$T/tls/client.crt" --key "$T/tls/client.key" "$SIM_URL$NS")" = 200 ] || fail "reused CA"
[ "$(C "$SIM_URL$NS")" = 401 ] || fail "no certificate: $(cat "$B")"
if command -v kubectl >/dev/null; then
	kubectl --kubeconfig "$T/kc-cert" --request-timeout 10s get svc -n payments -o name >"$T/out" 2>&1 ||
		fail "kubectl with the client-certificate kubeconfig: $(cat "$T/out")"
	grep -q service/payments "$T/out" || fail "kubectl output: $(cat "$T/out")"
	ok "kubectl --kubeconfig (client certificate)"
fi
stop_sim || fail "unclean exit"
