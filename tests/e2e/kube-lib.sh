# tests/e2e/kube-lib.sh: helpers for the kube e2e tests (source after lib.sh): start the
# simulator on 127.0.0.1 and learn its URL, write a kubeconfig for it, call its admin API,
# list its objects.
[ -x "$GAMMATOP_SIM" ] || skip "gammatop-sim not built"
[ -x "$GAMMATOP" ] || skip "gammatop not built"

# kube_start_sim NAME ARGS...: start the sim (stdout/stderr in $T/NAME.out/.err), wait for
# its ready line, set SIM_URL, SIM_PORT, SIM_PID and SIM_METRICS_PORT (the port of its
# metrics endpoint on 127.0.0.1 with --metrics-port, else empty).
kube_start_sim() {
	_name=$1; shift
	"$GAMMATOP_SIM" "$@" >"$T/$_name.out" 2>"$T/$_name.err" &
	SIM_PID=$!
	gt_track "$SIM_PID"
	wait_for "grep -q 'gammatop-sim: serving' '$T/$_name.out'" 20 ||
		{ cat "$T/$_name.err" >&2; fail "$_name: the simulator did not start"; }
	SIM_URL=$(sed -n 's/^gammatop-sim: serving \([^ ]*\).*/\1/p' "$T/$_name.out")
	SIM_PORT=${SIM_URL##*:}
	SIM_METRICS_PORT=$(sed -n 's/.* metrics http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/$_name.out")
}

# kube_kubeconfig FILE: write a kubeconfig for the last started sim ($SIM_URL): one cluster,
# context and current-context "sim", no credentials.
kube_kubeconfig() {
	cat >"$1" <<EOK
apiVersion: v1
kind: Config
current-context: sim
clusters: [{name: sim, cluster: {server: "$SIM_URL"}}]
contexts: [{name: sim, context: {cluster: sim}}]
EOK
}

# kube_admin PATH [curl args]: POST to the admin API (uses $SIM_CURL_AUTH).
kube_admin() {
	_p=$1; shift
	curl -sS -f -X POST ${SIM_CURL_AUTH:-} "$@" "$SIM_URL/sim/v1/$_p" >/dev/null
}

# kube_sim_list [curl args]: "Kind ns/name rv" lines for every object gammatop models, as
# the sim itself lists them, sorted.
kube_sim_list() {
	for _r in apis/gateway.networking.k8s.io/v1/gatewayclasses:GatewayClass \
	          apis/gateway.networking.k8s.io/v1/gateways:Gateway \
	          apis/gateway.networking.k8s.io/v1/httproutes:HTTPRoute \
	          apis/gateway.networking.k8s.io/v1/grpcroutes:GRPCRoute \
	          apis/gateway.networking.k8s.io/v1/referencegrants:ReferenceGrant \
	          api/v1/services:Service api/v1/namespaces:Namespace; do
		curl -sS -f ${SIM_CURL_AUTH:-} "$@" "$SIM_URL/${_r%%:*}" |
			jq -r --arg k "${_r##*:}" \
				'.items[] | "\($k) \(.metadata.namespace // "")/\(.metadata.name) \(.metadata.resourceVersion)"'
	done | LC_ALL=C sort
}

# kube_replay FILE: the final state that `gammatop watch -o json` lines describe, in the
# kube_sim_list format; fails on a line that is not JSON.
kube_replay() {
	jq -r -s 'reduce .[] as $e ({}; ("\($e.kind) \($e.namespace // "")/\($e.name)") as $k |
		if $e.type == "DELETED" then del(.[$k]) else .[$k] = $e.resourceVersion end)
		| to_entries[] | "\(.key) \(.value)"' "$1" | LC_ALL=C sort
}
