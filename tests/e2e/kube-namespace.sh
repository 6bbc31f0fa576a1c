#!/bin/sh
# kube-namespace.sh: the context's namespace, as kubectl uses it, and a namespace-scoped user
# (gammatop-sim --rbac-token, kube-apiserver's RBAC 403s). Through a logging probe on
# 127.0.0.1 it checks that gammatop lists routes where kubectl 1.32 does
# (/namespaces/NS/... for a context namespace, cluster-wide with -A); that a user who may
# read one namespace sees its routes in every batch command (exit 0), with Gateways of other
# namespaces called "cannot read ... (forbidden)", never "not found"/unattached; that a user
# who may also read Gateways cluster-wide sees the routes attached; and that a forbidden -A
# falls back to the context's namespace with a warning.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/kube-lib.sh"
command -v jq >/dev/null || skip "jq not installed"
command -v python3 >/dev/null || skip "python3 not installed"

kube_start_sim sim --demo --tls "$T/tls" --token tok-admin \
	--rbac-token 'tok-alice:alice:shop' \
	--rbac-token 'tok-bob:bob:shop:gateways,gatewayclasses,namespaces'

# The probe serves TLS with the sim's own certificate (SAN 127.0.0.1) and forwards to it.
python3 "$GT_SRCDIR/tests/e2e/kube-probe.py" "$T/probe.log" "$SIM_URL" \
	--tls "$T/tls/server.crt" "$T/tls/server.key" --ca "$T/tls/ca.crt" --lifetime 150 \
	>"$T/probe.out" 2>"$T/probe.err" &
gt_track $!
wait_for "grep -q '^probe ' '$T/probe.out'" 10 || { cat "$T/probe.err" >&2; fail "probe did not start"; }
PROBE=$(sed -n 's/^probe //p' "$T/probe.out")

# kubeconfig USER TOKEN [NAMESPACE]: a context "sim" through the probe.
kubeconfig() {
	cat >"$T/$1.kc" <<EOK
apiVersion: v1
kind: Config
current-context: sim
clusters: [{name: sim, cluster: {server: "$PROBE", certificate-authority: "$T/tls/ca.crt"}}]
contexts: [{name: sim, context: {cluster: sim, user: $1${3:+, namespace: $3}}}]
users: [{name: $1, user: {token: $2}}]
EOK
}
kubeconfig alice tok-alice shop
kubeconfig bob tok-bob shop
kubeconfig admin tok-admin shop
kubeconfig admin-nons tok-admin

# paths_of: the paths (no query) of the route lists the probe saw since the mark
mark() { : >"$T/probe.log"; }
route_lists() { grep -v 'watch=' "$T/probe.log" | cut -f1 | sed 's/?.*//' | grep '/httproutes$' | sort -u; }

# 1. What is listed: gammatop as kubectl (the reference, when installed).
KUBECTL=/usr/lib/google-cloud-sdk/bin/kubectl.1.32
[ -x "$KUBECTL" ] || KUBECTL=""
for args in "" "-A" "-n payments"; do
	if [ -n "$KUBECTL" ]; then
		mark
		# shellcheck disable=SC2086
		"$KUBECTL" --kubeconfig "$T/admin.kc" --request-timeout 10s get httproutes $args \
			>/dev/null 2>"$T/kubectl.err" || { cat "$T/kubectl.err" >&2; fail "kubectl get httproutes $args"; }
		route_lists >"$T/want"
	else
		case $args in
		"") echo "GET /apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes" ;;
		-A) echo "GET /apis/gateway.networking.k8s.io/v1/httproutes" ;;
		*) echo "GET /apis/gateway.networking.k8s.io/v1/namespaces/payments/httproutes" ;;
		esac >"$T/want"
	fi
	mark
	# shellcheck disable=SC2086
	timeout 40 "$GAMMATOP" routes --kubeconfig "$T/admin.kc" $args >/dev/null 2>"$T/gt.err" ||
		{ cat "$T/gt.err" >&2; fail "gammatop routes $args"; }
	route_lists >"$T/got"
	diff -u "$T/want" "$T/got" || fail "routes ${args:-(context namespace)}: gammatop lists elsewhere than kubectl"
	ok "routes ${args:-(context namespace shop)}: $(cat "$T/got") ${KUBECTL:+(as kubectl 1.32)}"
done
# A context without a namespace: every namespace (gammatop's choice; kubectl would use default).
mark
timeout 40 "$GAMMATOP" routes --kubeconfig "$T/admin-nons.kc" >/dev/null 2>&1 || fail "routes without a namespace"
[ "$(route_lists)" = "GET /apis/gateway.networking.k8s.io/v1/httproutes" ] ||
	fail "a context without a namespace did not list every namespace: $(route_lists)"
ok "a context without a namespace lists every namespace"

# 2. alice may read shop only: every batch command works on shop's routes, exit 0.
timeout 40 "$GAMMATOP" routes --kubeconfig "$T/alice.kc" -o json >"$T/alice.json" 2>"$T/alice.err" ||
	{ cat "$T/alice.err" >&2; fail "routes as alice"; }
n=$(jq '[.items[] | select(.namespace == "shop")] | length' "$T/alice.json")
[ "$n" -gt 0 ] || fail "alice sees no routes of shop"
[ "$(jq '[.items[] | select(.namespace != "shop")] | length' "$T/alice.json")" = 0 ] ||
	fail "alice sees routes outside shop"
jq -r '.items[].parents[] | select(.kind == "Gateway") | "\(.reason): \(.message)"' "$T/alice.json" |
	sort -u >"$T/alice.parents"
grep -q '^Unknown: cannot read gateway ingress/storefront (forbidden' "$T/alice.parents" ||
	{ cat "$T/alice.parents" >&2; fail "the forbidden Gateway is not said to be unreadable"; }
grep -q 'not found\|NoMatchingParent' "$T/alice.parents" && fail "a forbidden Gateway is called not found"
grep -q 'Gateway: reading every namespace is forbidden; namespace shop only' "$T/alice.err" ||
	{ cat "$T/alice.err" >&2; fail "no warning about the forbidden cluster-wide Gateway list"; }
ok "alice: $n rule(s) of shop; $(head -1 "$T/alice.parents")"

for cmd in "routes" "lint" "snapshot -o json" "top" "watch -o json --until-synced"; do
	# shellcheck disable=SC2086
	timeout 60 "$GAMMATOP" $cmd --kubeconfig "$T/alice.kc" >"$T/cmd.out" 2>"$T/cmd.err"
	rc=$?
	case $cmd in lint) [ "$rc" -le 1 ] ;; *) [ "$rc" = 0 ] ;; esac ||
		{ cat "$T/cmd.err" >&2; fail "alice: gammatop $cmd: exit $rc"; }
	grep -q 'shop' "$T/cmd.out" || { head "$T/cmd.out" >&2; fail "alice: gammatop $cmd shows nothing of shop"; }
	grep -qi 'not synced\|error:' "$T/cmd.err" && { cat "$T/cmd.err" >&2; fail "alice: gammatop $cmd: errors"; }
done
ok "alice: routes, lint, snapshot, top and watch work on shop (exit 0)"

# 3. bob may also read Gateways everywhere: the shared gateway is found and attaches.
timeout 40 "$GAMMATOP" routes --kubeconfig "$T/bob.kc" -o json >"$T/bob.json" 2>"$T/bob.err" ||
	{ cat "$T/bob.err" >&2; fail "routes as bob"; }
[ "$(jq '[.items[].parents[] | select(.kind == "Gateway" and .attached)] | length' "$T/bob.json")" -gt 0 ] ||
	fail "bob: no route attached to the gateway of namespace ingress"
grep -q 'Gateway: reading every namespace is forbidden' "$T/bob.err" && { cat "$T/bob.err" >&2; fail "bob: Gateways fell back"; }
ok "bob (gateways readable cluster-wide): routes of shop attach to ingress/storefront"

# 4. -A as alice: kubectl refuses (403); gammatop falls back to shop, loudly, exit 0.
if [ -n "$KUBECTL" ]; then
	"$KUBECTL" --kubeconfig "$T/alice.kc" --request-timeout 10s get httproutes -A >/dev/null 2>"$T/k.err" &&
		fail "kubectl -A as alice was allowed"
	grep -q 'cannot list resource "httproutes" in API group "gateway.networking.k8s.io" at the cluster scope' "$T/k.err" ||
		{ cat "$T/k.err" >&2; fail "the sim's 403 is not kube-apiserver's"; }
fi
mark
timeout 40 "$GAMMATOP" routes --kubeconfig "$T/alice.kc" -A >"$T/a.out" 2>"$T/a.err" ||
	{ cat "$T/a.err" >&2; fail "routes -A as alice"; }
grep -q 'HTTPRoute: reading every namespace is forbidden; namespace shop only' "$T/a.err" ||
	{ cat "$T/a.err" >&2; fail "-A: no warning about the fallback"; }
route_lists >"$T/got"
printf 'GET /apis/gateway.networking.k8s.io/v1/httproutes\nGET /apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes\n' >"$T/want"
diff -u "$T/want" "$T/got" || fail "-A as alice: not cluster-wide, then shop"
grep -q '^shop ' "$T/a.out" || fail "-A as alice: shop's routes missing"
ok "-A as alice: 403 cluster-wide, then namespace shop with a warning"
