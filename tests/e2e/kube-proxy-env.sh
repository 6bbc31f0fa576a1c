#!/bin/sh
# kube-proxy-env.sh: the proxy environment as kubectl reads it (Go's ProxyFromEnvironment,
# golang.org/x/net/http/httpproxy): HTTPS_PROXY / https_proxy for an https server, never for
# 127.0.0.1/localhost, NO_PROXY honoured, HTTP_PROXY not used for https, ALL_PROXY ignored; and
# kubeconfig proxy-url socks5:// hands the host NAME to the proxy. The server is called
# sim.test, a name only the proxy (kube-tunnel.py) resolves, so a request that skips the
# proxy fails. Each case runs kubectl 1.32 (when installed) and gammatop with the same
# environment and compares: did it connect, and which tunnels did the proxy see.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/kube-lib.sh"
command -v python3 >/dev/null || skip "python3 not installed"
KUBECTL=/usr/lib/google-cloud-sdk/bin/kubectl.1.32
[ -x "$KUBECTL" ] || KUBECTL=""

kube_start_sim sim --demo --tls "$T/tls" --token tok-p
python3 "$GT_SRCDIR/tests/e2e/kube-tunnel.py" "$T/tunnels" >"$T/tunnel.port" 2>"$T/tunnel.err" &
gt_track $!
wait_for "[ -s '$T/tunnel.port' ]" 10 || { cat "$T/tunnel.err" >&2; fail "proxy did not start"; }
PP=$(cat "$T/tunnel.port")

# kc NAME SERVER [CLUSTER-EXTRA]
kc() {
	cat >"$T/$1.kc" <<EOK
apiVersion: v1
kind: Config
current-context: sim
clusters:
- name: sim
  cluster:
    server: "$2"
    certificate-authority: "$T/tls/ca.crt"
    tls-server-name: localhost
${3:-}
contexts: [{name: sim, context: {cluster: sim, user: u}}]
users: [{name: u, user: {token: tok-p}}]
EOK
}
kc name "https://sim.test:$SIM_PORT"
kc loop "https://127.0.0.1:$SIM_PORT"
kc socks "https://sim.test:$SIM_PORT" "    proxy-url: socks5://127.0.0.1:$PP"

# run CLIENT KC ENV...: "connected|failed" and the tunnels, as one line
run() {
	_c=$1 _k=$2; shift 2
	: >"$T/tunnels"
	if [ "$_c" = kubectl ]; then
		env -i PATH="$PATH" HOME="$T" "$@" "$KUBECTL" --kubeconfig "$T/$_k.kc" \
			--request-timeout 10s get gateways -A >/dev/null 2>"$T/run.err"
	else
		env -i PATH="$PATH" HOME="$T" "$@" timeout 40 "$GAMMATOP" lint --kubeconfig "$T/$_k.kc" \
			>/dev/null 2>"$T/run.err"
	fi
	_rc=$?
	case $_c:$_rc in kubectl:0 | gammatop:0 | gammatop:1) _r=connected ;; *) _r=failed ;; esac
	echo "$_r $(sed 's/ *$//' "$T/tunnels" | sort -u | tr '\n' ' ')"
}

# case NAME KC EXPECT ENV...: gammatop as kubectl; EXPECT is what Go's rules give.
case_() {
	_n=$1 _k=$2 _e=$3; shift 3
	got=$(run gammatop "$_k" "$@")
	if [ -n "$KUBECTL" ]; then
		want=$(run kubectl "$_k" "$@")
		[ "$want" = "$_e" ] || fail "$_n: kubectl did '$want', the rules say '$_e'"
	fi
	[ "$got" = "$_e" ] || { cat "$T/run.err" >&2; fail "$_n: gammatop did '$got', kubectl '$_e'"; }
	ok "$_n: $got${KUBECTL:+ (as kubectl 1.32)}"
}

case_ "HTTPS_PROXY" name "connected CONNECT sim.test:$SIM_PORT " HTTPS_PROXY="http://127.0.0.1:$PP"
case_ "https_proxy (lower case)" name "connected CONNECT sim.test:$SIM_PORT " https_proxy="127.0.0.1:$PP"
case_ "HTTPS_PROXY, NO_PROXY=.test" name "failed " HTTPS_PROXY="http://127.0.0.1:$PP" NO_PROXY=.test
case_ "HTTPS_PROXY, NO_PROXY=sim.test:$SIM_PORT" name "failed " HTTPS_PROXY="http://127.0.0.1:$PP" NO_PROXY="sim.test:$SIM_PORT"
case_ "HTTPS_PROXY, NO_PROXY=sim.test:1" name "connected CONNECT sim.test:$SIM_PORT " HTTPS_PROXY="http://127.0.0.1:$PP" NO_PROXY="sim.test:1"
case_ "HTTP_PROXY only (https server)" name "failed " HTTP_PROXY="http://127.0.0.1:$PP"
case_ "ALL_PROXY only" name "failed " ALL_PROXY="http://127.0.0.1:$PP" all_proxy="http://127.0.0.1:$PP"
case_ "loopback server, HTTPS_PROXY" loop "connected " HTTPS_PROXY="http://127.0.0.1:$PP"
case_ "proxy-url socks5://" socks "connected SOCKS5 name sim.test:$SIM_PORT "
