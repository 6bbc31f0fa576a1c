#!/bin/sh
# kube-tls-token.sh: gammatop against gammatop-sim over TLS with a bearer token: a full sync
# agrees with the sim's own list; a wrong token is refused with a clear message that does not
# show the token; tls-server-name, a missing CA and insecure-skip-tls-verify behave as in
# kubectl.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/kube-lib.sh"
command -v jq >/dev/null || skip "jq not installed"
command -v curl >/dev/null || skip "curl not installed"

kube_start_sim sim --tls "$T/tls" --token tok-e2e-secret --generate routes=120,services=40 \
	--kubeconfig-out "$T/kc"
SIM_CURL_AUTH="--cacert $T/tls/ca.crt --oauth2-bearer tok-e2e-secret"

timeout 30 "$GAMMATOP" watch --kubeconfig "$T/kc" -o json --until-synced >"$T/ev.json" \
	2>"$T/watch.err" || { cat "$T/watch.err" >&2; fail "watch over TLS + token failed"; }
kube_replay "$T/ev.json" >"$T/got"
kube_sim_list >"$T/want"
[ -s "$T/want" ] || fail "the sim listed nothing"
diff -u "$T/want" "$T/got" || fail "gammatop's synced state differs from the sim's list"
ok "TLS + bearer token: $(wc -l <"$T/got") objects, identical to the sim's list"

# The same through -n: only that namespace's routes (plus cluster-scoped kinds).
ns=$(grep '^HTTPRoute ' "$T/want" | head -1 | sed 's|^HTTPRoute \([^/]*\)/.*|\1|')
timeout 30 "$GAMMATOP" watch --kubeconfig "$T/kc" -n "$ns" -o json --until-synced \
	>"$T/ns.json" 2>/dev/null || fail "watch -n $ns failed"
jq -r 'select(.kind=="HTTPRoute") | .namespace' "$T/ns.json" | sort -u >"$T/ns.got"
[ "$(cat "$T/ns.got")" = "$ns" ] || fail "-n $ns listed routes of other namespaces: $(cat "$T/ns.got")"
ok "-n limits namespaced kinds"

# A wrong token: 401, a message an operator understands, exit 2, and no token in it.
sed 's/tok-e2e-secret/wrong-token-xyz/' "$T/kc" >"$T/kc.bad"
start=$(date +%s)
if timeout 40 "$GAMMATOP" lint --kubeconfig "$T/kc.bad" >/dev/null 2>"$T/bad.err"; then
	fail "a wrong token was accepted"
else
	rc=$?
fi
[ "$rc" = 2 ] || fail "wrong token: exit $rc, expected 2"
grep -qi "credentials\|unauthorized" "$T/bad.err" || { cat "$T/bad.err" >&2; fail "no clear 401 message"; }
grep -q "wrong-token-xyz" "$T/bad.err" && fail "the token appears in the error"
ok "wrong token: exit 2 after $(( $(date +%s) - start ))s: $(head -1 "$T/bad.err")"

# tls-server-name: the certificate names 127.0.0.1 and localhost. Connecting to 127.0.0.1
# while verifying as 'localhost' works; as another name fails verification.
awk '/server:/{print; print "    tls-server-name: localhost"; next} {print}' "$T/kc" >"$T/kc.sni"
timeout 30 "$GAMMATOP" watch --kubeconfig "$T/kc.sni" -o none --until-synced 2>"$T/sni.err" ||
	{ cat "$T/sni.err" >&2; fail "tls-server-name: localhost did not verify"; }
awk '/server:/{print; print "    tls-server-name: not-the-server.example"; next} {print}' "$T/kc" >"$T/kc.sni2"
if timeout 30 "$GAMMATOP" lint --kubeconfig "$T/kc.sni2" >/dev/null 2>"$T/sni2.err"; then
	fail "a certificate for another name was accepted"
fi
grep -qi "certificate\|SSL\|subject" "$T/sni2.err" || { cat "$T/sni2.err" >&2; fail "no TLS message"; }
ok "tls-server-name is verified: $(head -1 "$T/sni2.err" | cut -c1-160)"

# Without the CA the system store does not know the sim's CA: refused. insecure-skip-tls-verify
# accepts it.
grep -v certificate-authority-data "$T/kc" >"$T/kc.noca"
if timeout 30 "$GAMMATOP" lint --kubeconfig "$T/kc.noca" >/dev/null 2>"$T/noca.err"; then
	fail "an unknown CA was trusted"
fi
awk '/server:/{print; print "    insecure-skip-tls-verify: true"; next} {print}' "$T/kc.noca" >"$T/kc.insecure"
timeout 30 "$GAMMATOP" watch --kubeconfig "$T/kc.insecure" -o none --until-synced 2>"$T/ins.err" ||
	{ cat "$T/ins.err" >&2; fail "insecure-skip-tls-verify did not connect"; }
ok "unknown CA refused; insecure-skip-tls-verify accepted"
