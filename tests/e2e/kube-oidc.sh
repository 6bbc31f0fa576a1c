#!/bin/sh
# kube-oidc.sh: auth-provider oidc as kubectl 1.32 runs it (client-go plugin/pkg/client/auth/
# oidc): an expired id-token is refreshed at the issuer's token endpoint (found through its
# discovery document) with the refresh token and the client's id and secret; the new id-token
# is sent, and the new id-token and rotated refresh-token are written back into the kubeconfig
# file. A fake issuer on 127.0.0.1 logs what each client sends; kubectl (when installed) and
# gammatop must send the same and leave the same tokens in their copies of the file. gammatop
# changes only the two values (a comment survives). A valid id-token is used as it is.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/kube-lib.sh"
command -v python3 >/dev/null || skip "python3 not installed"
KUBECTL=/usr/lib/google-cloud-sdk/bin/kubectl.1.32
[ -x "$KUBECTL" ] || KUBECTL=""

# JWTs: only the payload matters to a client (exp: long past, and 2100-01-01).
jwt() { python3 -c 'import base64,sys
e=lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
print(e(b"{\"alg\":\"RS256\"}")+"."+e(("{\"sub\":\"dev\",\"exp\":%s}" % sys.argv[1]).encode())+".c2ln")' "$1"; }
OLD=$(jwt 1000000000)
NEW=$(jwt 4102444800)

kube_start_sim sim --demo --tls "$T/tls" --token "$NEW"
python3 "$GT_SRCDIR/tests/e2e/kube-oidc-issuer.py" "$T/issuer.log" "$NEW" rt-1 rt-2 \
	>"$T/issuer.out" 2>"$T/issuer.err" &
gt_track $!
wait_for "grep -q '^issuer ' '$T/issuer.out'" 10 || { cat "$T/issuer.err" >&2; fail "issuer did not start"; }
ISSUER=$(sed -n 's/^issuer //p' "$T/issuer.out")

kc() {
	cat >"$1" <<EOK
apiVersion: v1
kind: Config
current-context: sim
clusters: [{name: sim, cluster: {server: "$SIM_URL", certificate-authority: "$T/tls/ca.crt"}}]
contexts: [{name: sim, context: {cluster: sim, user: dev}}]
users:
- name: dev
  # the login of the developer (this comment stays)
  user:
    auth-provider:
      name: oidc
      config:
        idp-issuer-url: $ISSUER
        client-id: gt
        client-secret: s3cret
        refresh-token: rt-1
        id-token: $OLD
EOK
}
tokens() { sed -n 's/^ *\(id-token\|refresh-token\): */\1=/p' "$1" | sort | tr '\n' ' '; }

if [ -n "$KUBECTL" ]; then
	kc "$T/kubectl.kc"
	: >"$T/issuer.log"
	HOME=$T "$KUBECTL" --kubeconfig "$T/kubectl.kc" --request-timeout 10s get gateways -A \
		>/dev/null 2>"$T/k.err" || { cat "$T/k.err" >&2; fail "kubectl with oidc"; }
	cp "$T/issuer.log" "$T/want.log"
	want_tokens=$(tokens "$T/kubectl.kc")
else
	printf 'GET /.well-known/openid-configuration\t-\t-\nPOST /token\tBasic Z3Q6czNjcmV0\tgrant_type=refresh_token&refresh_token=rt-1\n' >"$T/want.log"
	want_tokens="id-token=$NEW refresh-token=rt-2 "
fi
kc "$T/gt.kc"
: >"$T/issuer.log"
timeout 40 "$GAMMATOP" routes --kubeconfig "$T/gt.kc" >"$T/gt.out" 2>"$T/gt.err" ||
	{ cat "$T/gt.err" >&2; fail "gammatop with oidc"; }
diff -u "$T/want.log" "$T/issuer.log" || fail "gammatop asks the issuer otherwise than kubectl"
grep -q '^shop ' "$T/gt.out" || fail "no routes with the refreshed id-token"
ok "expired id-token: discovery + refresh_token grant as kubectl${KUBECTL:+ 1.32} sends them; the new id-token is accepted"
[ "$(tokens "$T/gt.kc")" = "$want_tokens" ] ||
	fail "tokens written back: '$(tokens "$T/gt.kc")', kubectl: '$want_tokens'"
grep -q 'this comment stays' "$T/gt.kc" || fail "the kubeconfig was rewritten, not edited"
grep -q "$OLD" "$T/gt.kc" && fail "the old id-token is still in the file"
ok "new id-token and rotated refresh-token written back (as kubectl), the rest of the file kept"

# Now valid: no request to the issuer.
: >"$T/issuer.log"
timeout 40 "$GAMMATOP" routes --kubeconfig "$T/gt.kc" >/dev/null 2>"$T/gt2.err" ||
	{ cat "$T/gt2.err" >&2; fail "gammatop with a valid id-token"; }
[ ! -s "$T/issuer.log" ] || fail "a valid id-token was refreshed: $(cat "$T/issuer.log")"
ok "a valid id-token is used without asking the issuer"

# No refresh-token and an expired id-token: kubectl's error.
kc "$T/norefresh.kc"
sed -i '/refresh-token:/d' "$T/norefresh.kc"
if timeout 40 "$GAMMATOP" routes --kubeconfig "$T/norefresh.kc" >/dev/null 2>"$T/nr.err"; then
	fail "an expired id-token without a refresh-token was accepted"
fi
grep -q 'No valid id-token, and cannot refresh without refresh-token' "$T/nr.err" ||
	{ cat "$T/nr.err" >&2; fail "no clear error without a refresh-token"; }
ok "expired id-token, no refresh-token: $(head -1 "$T/nr.err" | cut -c1-140)"
