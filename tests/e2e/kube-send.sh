#!/bin/sh
# kube-send.sh: what gammatop SENDS, compared with kubectl 1.32 through a logging probe on
# 127.0.0.1 (kube-probe.py, in front of gammatop-sim): the Impersonate-* headers of a
# kubeconfig's as/as-uid/as-groups/as-user-extra (the sim then acts as that user: its RBAC
# applies and its log names both users); Accept-Encoding with and without
# disable-compression; the bearer token when both token and tokenFile are set (the file wins);
# a write under --as (the audit log names the impersonated user); ?timeout= of --request-timeout.
# Without kubectl the expected headers are client-go's, written out (v0.32
# transport/round_trippers.go).
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/kube-lib.sh"
command -v jq >/dev/null || skip "jq not installed"
command -v python3 >/dev/null || skip "python3 not installed"
KUBECTL=/usr/lib/google-cloud-sdk/bin/kubectl.1.32
[ -x "$KUBECTL" ] || KUBECTL=""

kube_start_sim sim --demo --tls "$T/tls" --token tok-admin -v --rbac-token 'tok-alice:alice:shop'
python3 "$GT_SRCDIR/tests/e2e/kube-probe.py" "$T/probe.log" "$SIM_URL" \
	--tls "$T/tls/server.crt" "$T/tls/server.key" --ca "$T/tls/ca.crt" --lifetime 150 \
	>"$T/probe.out" 2>"$T/probe.err" &
gt_track $!
wait_for "grep -q '^probe ' '$T/probe.out'" 10 || { cat "$T/probe.err" >&2; fail "probe did not start"; }
PROBE=$(sed -n 's/^probe //p' "$T/probe.out")

# kc NAME CLUSTER-EXTRA USER-YAML: a kubeconfig through the probe, context namespace shop.
kc() {
	cat >"$T/$1.kc" <<EOK
apiVersion: v1
kind: Config
current-context: sim
clusters:
- name: sim
  cluster:
    server: "$PROBE"
    certificate-authority: "$T/tls/ca.crt"
$2
contexts: [{name: sim, context: {cluster: sim, user: u, namespace: shop}}]
users:
- name: u
  user:
$3
EOK
}
# sent FILE: the header fields of the HTTPRoute list requests in the probe log, sorted.
sent() { grep -v 'watch=' "$T/probe.log" | grep '/httproutes[?	]\|/httproutes$' | cut -f2- | tr '\t' '\n' | sort -u >"$1"; }
# compare NAME WANT-FILE: run kubectl (if present) and gammatop with $T/NAME.kc and compare.
compare() {
	if [ -n "$KUBECTL" ]; then
		: >"$T/probe.log"
		"$KUBECTL" --kubeconfig "$T/$1.kc" --request-timeout 10s get httproutes >/dev/null 2>"$T/k.err" ||
			{ cat "$T/k.err" >&2; fail "$1: kubectl get httproutes"; }
		sent "$T/$1.want"
		[ -z "${2:-}" ] || diff -u "$2" "$T/$1.want" || fail "$1: kubectl does not send what client-go's source says"
	else
		cp "$2" "$T/$1.want"
	fi
	: >"$T/probe.log"
	timeout 40 "$GAMMATOP" routes --kubeconfig "$T/$1.kc" >"$T/$1.out" 2>"$T/$1.err" ||
		{ cat "$T/$1.err" >&2; fail "$1: gammatop routes"; }
	sent "$T/$1.got"
	diff -u "$T/$1.want" "$T/$1.got" || fail "$1: gammatop sends other headers than kubectl"
}

# 1. Impersonation from the kubeconfig: admin acts as alice (who may read shop only).
kc imp "" "    token: tok-admin
    as: alice
    as-uid: uid-42
    as-groups: [team-shop, 'system:authenticated']
    as-user-extra:
      scopes: [view, edit]
      'example.com/team name': [a b]"
# (header names as Go writes them: net/textproto CanonicalMIMEHeaderKey, so %2F is %2f)
cat >"$T/imp.expect" <<'EOF'
Accept-Encoding: gzip
Authorization: Bearer tok-admin
Impersonate-Extra-Example.com%2fteam%20name: a b
Impersonate-Extra-Scopes: edit
Impersonate-Extra-Scopes: view
Impersonate-Group: system:authenticated
Impersonate-Group: team-shop
Impersonate-Uid: uid-42
Impersonate-User: alice
EOF
compare imp "$T/imp.expect"
ok "impersonation: $(grep -c Impersonate "$T/imp.got") Impersonate-* headers, as kubectl ${KUBECTL:+1.32 }sends"
# The sim acted as alice: Gateways outside shop were forbidden to her, and its log says who.
grep -q 'Gateway: reading every namespace is forbidden' "$T/imp.err" ||
	{ cat "$T/imp.err" >&2; fail "impersonation: the sim did not apply alice's RBAC"; }
grep -q '(user alice impersonated by token-admin)' "$T/sim.err" || fail "the sim's log does not name both users"
ok "the sim applies the impersonated user's RBAC and logs both users"

# Impersonating is itself a permission: alice may not impersonate.
kc imp2 "" "    token: tok-alice
    as: bob"
if timeout 40 "$GAMMATOP" routes --kubeconfig "$T/imp2.kc" >/dev/null 2>"$T/imp2.err"; then
	fail "alice was allowed to impersonate"
fi
grep -q 'users "bob" is forbidden: User "alice" cannot impersonate resource "users"' "$T/imp2.err" ||
	{ cat "$T/imp2.err" >&2; fail "no impersonate 403"; }
ok "a user without the impersonate permission gets kube-apiserver's 403"

# 2. disable-compression: no Accept-Encoding at all.
kc nocomp "    disable-compression: true" "    token: tok-admin"
printf 'Authorization: Bearer tok-admin\n' >"$T/nocomp.expect"
compare nocomp "$T/nocomp.expect"
ok "disable-compression: no Accept-Encoding"

# 3. token and tokenFile both set: the file's token is sent.
printf 'tok-admin\n' >"$T/token"
kc both "" "    token: tok-wrong
    tokenFile: $T/token"
printf 'Accept-Encoding: gzip\nAuthorization: Bearer tok-admin\n' >"$T/both.expect"
compare both "$T/both.expect"
ok "token + tokenFile: the file wins"

# 4. A write under impersonation (--as, kubectl's flag): the PATCH carries Impersonate-User,
# the sim applies it as alice, and gammatop's audit log names alice, impersonated by u.
kc adm "" "    token: tok-admin"
: >"$T/probe.log"
XDG_CACHE_HOME="$T/cache" timeout 60 "$GAMMATOP" set --kubeconfig "$T/adm.kc" --as alice \
	httproute/shop/api --rule 0 --timeouts-request 7s --yes >"$T/set.out" 2>&1 ||
	{ cat "$T/set.out" >&2; fail "set --as alice"; }
grep '^PATCH ' "$T/probe.log" | grep -v 'dryRun' | grep -q 'Impersonate-User: alice' ||
	{ cat "$T/probe.log" >&2; fail "the PATCH did not carry Impersonate-User: alice"; }
XDG_CACHE_HOME="$T/cache" "$GAMMATOP" history --kubeconfig "$T/adm.kc" -o json >"$T/hist.json" 2>&1 ||
	fail "history: $(cat "$T/hist.json")"
grep -q '"user": *"alice (impersonated by u)"' "$T/hist.json" ||
	{ cat "$T/hist.json" >&2; fail "the audit log does not name the impersonated user"; }
grep -q 'PATCH .*/namespaces/shop/httproutes/api.*(user alice impersonated by token-admin)' "$T/sim.err" ||
	fail "the sim did not apply the PATCH as alice"
ok "set --as alice: PATCH with Impersonate-User, applied as alice, audit user 'alice (impersonated by u)'"

# 5. --request-timeout: the list carries ?timeout= in Go's duration form, as kubectl's.
tq() { grep -v 'watch=' "$T/probe.log" | cut -f1 | grep '/httproutes?' | grep -o 'timeout=[^&]*' | sort -u; }
for d in 5s 90s; do
	if [ -n "$KUBECTL" ]; then
		: >"$T/probe.log"
		"$KUBECTL" --kubeconfig "$T/adm.kc" --request-timeout "$d" get httproutes >/dev/null 2>&1 ||
			fail "kubectl --request-timeout $d"
		want=$(tq)
	else
		want="timeout=$( [ "$d" = 90s ] && echo 1m30s || echo "$d")"
	fi
	: >"$T/probe.log"
	timeout 60 "$GAMMATOP" routes --kubeconfig "$T/adm.kc" --request-timeout "$d" >/dev/null 2>&1 ||
		fail "gammatop --request-timeout $d"
	[ "$(tq)" = "$want" ] || fail "--request-timeout $d: gammatop sends '$(tq)', kubectl '$want'"
	ok "--request-timeout $d: $want on the list${KUBECTL:+, as kubectl 1.32}"
done
