#!/bin/sh
# sim-kubectl-kinds.sh: real kubectl against gammatop-sim's Gateway API v1.6.1 kinds, on both
# channels: discovery (the x-k8s.io kinds and the old versions only on experimental, with
# the deprecation warning), get -A as a table and as JSON, apply of every kind client-side
# and --server-side, patch (merge and JSON), invalid objects refused with the CRD's message
# (422 with causes), and the controller's status on what was applied (ListenerSet listeners
# and attachedRoutes, TLS/TCP/UDP route parents, policy ancestors, XMesh left alone when it is
# another mesh's). Skips without kubectl or jq.
. "$GT_SRCDIR/tests/e2e/lib.sh"
# The gcloud SDK's kubectl is a dispatcher; its kubectl.1.32 is plain kubectl 1.32.
KUBECTL=/usr/lib/google-cloud-sdk/bin/kubectl.1.32
[ -x "$KUBECTL" ] || KUBECTL=$(command -v kubectl) || skip "kubectl not installed"
command -v jq >/dev/null || skip "jq not installed"
command -v curl >/dev/null || skip "curl not installed"

# One of each kind; SUF names them apart, P keeps their ports apart.
manifest() { # manifest SUF P CHANNEL
	sed -e "s/SUF/$1/g" -e "s/PORT/$2/g" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata: {name: ca-SUF, namespace: e2e}
data:
  ca.crt: |
    -----BEGIN CERTIFICATE-----
    ZmFrZSBDQQ==
    -----END CERTIFICATE-----
---
apiVersion: v1
kind: Secret
metadata: {name: cert-SUF, namespace: e2e}
type: kubernetes.io/tls
stringData:
  tls.crt: |
    -----BEGIN CERTIFICATE-----
    ZmFrZQ==
    -----END CERTIFICATE-----
  tls.key: |
    -----BEGIN PRIVATE KEY-----
    ZmFrZQ==
    -----END PRIVATE KEY-----
---
apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata: {name: ls-SUF, namespace: e2e}
spec:
  parentRef: {name: storefront, namespace: ingress}
  listeners:
  - {name: db, protocol: TCP, port: PORT5432}
  - {name: dns, protocol: UDP, port: PORT5353}
  - {name: pass, protocol: TLS, port: PORT9443, hostname: "*.e2e.example.com", tls: {mode: Passthrough}}
  - {name: web, protocol: HTTPS, port: PORT9444, hostname: web-SUF.e2e.example.com, tls: {certificateRefs: [{name: cert-SUF}]}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: TCPRoute
metadata: {name: db-SUF, namespace: e2e}
spec:
  parentRefs: [{kind: ListenerSet, name: ls-SUF, sectionName: db}]
  rules: [{backendRefs: [{name: db-SUF, port: 5432}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: UDPRoute
metadata: {name: dns-SUF, namespace: e2e}
spec:
  parentRefs: [{kind: ListenerSet, name: ls-SUF, sectionName: dns}]
  rules: [{backendRefs: [{name: dns, port: 53}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: TLSRoute
metadata: {name: tls-SUF, namespace: e2e}
spec:
  parentRefs: [{kind: ListenerSet, name: ls-SUF, sectionName: pass}]
  hostnames: [tls-SUF.e2e.example.com]
  rules: [{backendRefs: [{name: tls, port: 8443}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {name: btls-SUF, namespace: e2e}
spec:
  targetRefs: [{group: "", kind: Service, name: tls, sectionName: tls-SUF}]
  validation:
    hostname: tls.e2e.example.com
    caCertificateRefs: [{group: "", kind: ConfigMap, name: ca-SUF}]
EOF
	[ "$3" = experimental ] || return 0
	sed -e "s/SUF/$1/g" <<'EOF'
---
apiVersion: gateway.networking.x-k8s.io/v1alpha1
kind: XBackendTrafficPolicy
metadata: {name: budget-SUF, namespace: e2e}
spec:
  targetRefs: [{group: "", kind: Service, name: db-SUF}]
  retryConstraint: {budget: {percent: 25}}
---
apiVersion: gateway.networking.x-k8s.io/v1alpha1
kind: XMesh
metadata: {name: other-mesh-SUF}
spec: {controllerName: example.com/other-mesh}
EOF
}

for CH in standard experimental; do
	start_sim --demo --channel "$CH" --kubeconfig-out "$T/kc-$CH"
	K() { "$KUBECTL" --kubeconfig "$T/kc-$CH" --cache-dir "$T/cache-$CH" --request-timeout 10s "$@"; }
	G="/apis/gateway.networking.k8s.io/v1/namespaces"

	# ---- discovery ----
	K api-resources >"$T/res" 2>&1 || fail "$CH: api-resources: $(cat "$T/res")"
	for r in listenersets tlsroutes tcproutes udproutes backendtlspolicies secrets configmaps; do
		grep -q "^$r " "$T/res" || fail "$CH: $r not discovered: $(cat "$T/res")"
	done
	grep -q '^listenersets  *lset  *gateway.networking.k8s.io/v1  *true  *ListenerSet' "$T/res" || fail "$CH: lset shortname"
	if [ "$CH" = experimental ]; then
		grep -q '^xbackendtrafficpolicies  *xbtrafficpolicy  *gateway.networking.x-k8s.io/v1alpha1  *true' "$T/res" &&
			grep -q '^xmeshes  *mesh  *gateway.networking.x-k8s.io/v1alpha1  *false  *XMesh' "$T/res" ||
			fail "$CH: x-k8s.io kinds: $(cat "$T/res")"
		K get tlsroutes.v1alpha2.gateway.networking.k8s.io -A >"$T/out" 2>"$T/err" || fail "$CH: v1alpha2: $(cat "$T/err")"
		grep -q 'payments-pci' "$T/out" || fail "$CH: v1alpha2 list: $(cat "$T/out")"
		grep -q 'Warning: The v1alpha2 version of TLSRoute has been deprecated' "$T/err" || fail "$CH: no deprecation warning: $(cat "$T/err")"
	else
		if grep -q 'xmeshes\|xbackendtrafficpolicies' "$T/res"; then fail "$CH: x-k8s.io kinds served"; fi
		if K get --raw /apis/gateway.networking.k8s.io/v1alpha2/tlsroutes >"$T/out" 2>&1; then fail "$CH: v1alpha2 served"; fi
		grep -q 'NotFound\|not found' "$T/out" || fail "$CH: v1alpha2: $(cat "$T/out")"
	fi
	ok "$CH: discovery"

	# ---- get -A: tables and JSON, the demo's new objects and their status ----
	KINDS="listenersets tlsroutes tcproutes udproutes backendtlspolicies secrets configmaps"
	[ "$CH" = experimental ] && KINDS="$KINDS xbackendtrafficpolicies xmeshes"
	for r in $KINDS; do
		K get "$r" -A >"$T/t-$r" 2>&1 || fail "$CH: get $r -A: $(cat "$T/t-$r")"
		K get "$r" -A -o json >"$T/j-$r" 2>&1 || fail "$CH: get $r -A -o json: $(cat "$T/j-$r")"
		jq -e '.kind == "List" and (.items | type == "array")' "$T/j-$r" >/dev/null || fail "$CH: $r json: $(head -c 300 "$T/j-$r")"
	done
	grep -q '^NAMESPACE  *NAME  *ACCEPTED  *PROGRAMMED  *AGE$' "$T/t-listenersets" &&
		grep -q '^payments  *payments-edge  *True  *True ' "$T/t-listenersets" || fail "$CH: ListenerSet table: $(cat "$T/t-listenersets")"
	grep -q '^payments  *payments-pci  ' "$T/t-tlsroutes" || fail "$CH: TLSRoute table: $(cat "$T/t-tlsroutes")"
	grep -q '^ingress  *gateway-cert  *kubernetes.io/tls  *2 ' "$T/t-secrets" || fail "$CH: Secret table: $(cat "$T/t-secrets")"
	jq -e '[.items[] | select(.metadata.name == "gateway-cert")][0] | .stringData == null and (.data["tls.crt"] | test("^[A-Za-z0-9+/=]+$"))' \
		"$T/j-secrets" >/dev/null || fail "$CH: Secret data as the API server serves it"
	jq -e '.items[0].status.listeners | map(.name + "=" + (.attachedRoutes|tostring)) == ["pci-passthrough=1", "partners=0"]' \
		"$T/j-listenersets" >/dev/null || fail "$CH: demo ListenerSet listeners: $(jq -c '.items[0].status' "$T/j-listenersets")"
	jq -e '.items[0].status.parents[0] | .parentRef.kind == "ListenerSet" and
		(.conditions[] | select(.type == "Accepted") | .status == "True")' "$T/j-tlsroutes" >/dev/null ||
		fail "$CH: demo TLSRoute: $(jq -c '.items[0].status' "$T/j-tlsroutes")"
	jq -e '.items[0].status.ancestors[0] | .ancestorRef.name == "storefront" and
		(.conditions[] | select(.type == "Accepted") | .reason == "Accepted")' "$T/j-backendtlspolicies" >/dev/null ||
		fail "$CH: demo BackendTLSPolicy: $(jq -c '.items[0].status' "$T/j-backendtlspolicies")"
	if [ "$CH" = experimental ]; then
		jq -e '.items[0].status.ancestors | map(.ancestorRef.kind) | index("XMesh") != null' "$T/j-xbackendtrafficpolicies" >/dev/null ||
			fail "$CH: retry budget ancestors: $(jq -c '.items[0].status' "$T/j-xbackendtrafficpolicies")"
		grep -q '^linkerd  *True ' "$T/t-xmeshes" || fail "$CH: XMesh table: $(cat "$T/t-xmeshes")"
	fi
	[ "$(K get gtw storefront -n ingress -o jsonpath='{.status.attachedListenerSets}')" = 1 ] || fail "$CH: attachedListenerSets"
	ok "$CH: kubectl get -A of every new kind (tables, JSON) and the demo's status"

	# ---- apply every kind, client-side and server-side ----
	# (kubectl create namespace would send protobuf, which the sim refuses with 415)
	printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: e2e}\n' | K apply -f - >/dev/null || fail "$CH: namespace"
	K label namespace e2e shop.example.com/exposed=true >/dev/null || fail "$CH: label namespace"
	for svc in dns:53:UDP tls:8443:TCP db-csa:5432:TCP db-ssa:5432:TCP; do
		n=${svc%%:*}; rest=${svc#*:}; port=${rest%%:*}; proto=${rest#*:}
		printf '{"apiVersion":"v1","kind":"Service","metadata":{"name":"%s","namespace":"e2e"},"spec":{"ports":[{"name":"tls-csa","port":%s,"protocol":"%s"},{"name":"tls-ssa","port":%s,"protocol":"%s"}]}}' \
			"$n" "$port" "$proto" "$((port + 1))" "$proto" | K apply -f - >/dev/null || fail "$CH: service $n"
	done
	manifest csa 1 "$CH" >"$T/csa.yaml"
	manifest ssa 2 "$CH" >"$T/ssa.yaml"
	K apply -f "$T/csa.yaml" >"$T/out" 2>&1 || fail "$CH: client-side apply: $(cat "$T/out")"
	grep -q 'listenerset.gateway.networking.k8s.io/ls-csa created' "$T/out" || fail "$CH: apply output: $(cat "$T/out")"
	K apply -f "$T/csa.yaml" >"$T/out" 2>&1 || fail "$CH: client-side re-apply: $(cat "$T/out")"
	K apply --server-side -f "$T/ssa.yaml" >"$T/out" 2>&1 || fail "$CH: server-side apply: $(cat "$T/out")"
	grep -q 'tcproute.gateway.networking.k8s.io/db-ssa serverside-applied' "$T/out" || fail "$CH: ssa output: $(cat "$T/out")"
	K apply --server-side -f "$T/ssa.yaml" >"$T/out" 2>&1 || fail "$CH: server-side re-apply: $(cat "$T/out")"
	for s in csa ssa; do
		K get lset "ls-$s" -n e2e -o json >"$T/ls"
		jq -e '(.status.conditions[] | select(.type == "Accepted") | .status == "True") and
			(.status.listeners | map(.name + "=" + (.attachedRoutes|tostring)) == ["db=1", "dns=1", "pass=1", "web=0"]) and
			(.status.listeners[3].conditions[] | select(.type == "ResolvedRefs") | .status == "True")' "$T/ls" >/dev/null ||
			fail "$CH: ls-$s status: $(jq -c .status "$T/ls")"
		for r in tcproute/db udproute/dns tlsroute/tls; do
			K get "${r%/*}" "${r#*/}-$s" -n e2e -o json >"$T/r"
			jq -e '.status.parents[0] | .controllerName == "linkerd.io/gateway-controller" and
				([.conditions[] | .type + "=" + .status] | sort == ["Accepted=True", "ResolvedRefs=True"])' "$T/r" >/dev/null ||
				fail "$CH: $r-$s status: $(jq -c .status "$T/r")"
		done
		K get btlspolicy "btls-$s" -n e2e -o json >"$T/p"
		jq -e '.status.ancestors | length == 1 and .[0].ancestorRef.name == "storefront" and
			(.[0].conditions | map(.type + "=" + .status) | sort == ["Accepted=True", "ResolvedRefs=True"])' "$T/p" >/dev/null ||
			fail "$CH: btls-$s status: $(jq -c .status "$T/p")"
		if [ "$CH" = experimental ]; then
			K get xbtrafficpolicy "budget-$s" -n e2e -o json >"$T/p"
			jq -e '.spec.retryConstraint.budget == {"percent": 25, "interval": "10s"} and
				(.status.ancestors[0].conditions[0] | .type == "Accepted" and .status == "True")' "$T/p" >/dev/null ||
				fail "$CH: budget-$s: $(jq -c '{spec, status}' "$T/p")"
			[ "$(K get mesh "other-mesh-$s" -o jsonpath='{.status.conditions[0].reason}')" = Pending ] ||
				fail "$CH: another mesh's XMesh was touched"
		fi
	done
	[ "$(K get gtw storefront -n ingress -o jsonpath='{.status.attachedListenerSets}')" = 3 ] || fail "$CH: attachedListenerSets after apply"
	ok "$CH: kubectl apply (client-side and --server-side) of every kind, the controller's status"

	# ---- patch ----
	K patch lset ls-csa -n e2e --type json -p '[{"op":"replace","path":"/spec/listeners/0/port","value":15433}]' >"$T/out" 2>&1 ||
		fail "$CH: json patch: $(cat "$T/out")"
	[ "$(K get lset ls-csa -n e2e -o jsonpath='{.spec.listeners[0].port}/{.metadata.generation}/{.status.listeners[0].attachedRoutes}')" = 15433/2/1 ] ||
		fail "$CH: patched ListenerSet"
	K patch tcproute db-csa -n e2e --type merge -p '{"spec":{"rules":[{"backendRefs":[{"name":"gone","port":5432}]}]}}' >"$T/out" 2>&1 ||
		fail "$CH: merge patch: $(cat "$T/out")"
	[ "$(K get tcproute db-csa -n e2e -o jsonpath='{.status.parents[0].conditions[?(@.type=="ResolvedRefs")].reason}')" = BackendNotFound ] ||
		fail "$CH: TCPRoute to a missing Service"
	ok "$CH: kubectl patch (JSON, merge) and the status that follows"

	# ---- invalid objects: the CRD's messages, 422 with causes ----
	printf 'apiVersion: gateway.networking.k8s.io/v1\nkind: TCPRoute\nmetadata: {name: two-rules, namespace: e2e}\nspec:\n  rules: [{backendRefs: [{name: db-csa, port: 5432}]}, {backendRefs: [{name: db-csa, port: 5432}]}]\n' >"$T/bad1.yaml"
	if K apply -f "$T/bad1.yaml" >"$T/out" 2>&1; then fail "$CH: a TCPRoute with two rules was accepted"; fi
	grep -q 'spec.rules: Too many: 2: must have at most 1 items' "$T/out" || fail "$CH: two rules: $(cat "$T/out")"
	printf 'apiVersion: gateway.networking.k8s.io/v1\nkind: ListenerSet\nmetadata: {name: bad, namespace: e2e}\nspec:\n  parentRef: {name: storefront, namespace: ingress}\n  listeners: [{name: a, protocol: TCP, port: 7000, hostname: a.example.com}]\n' >"$T/bad2.yaml"
	if K apply --server-side -f "$T/bad2.yaml" >"$T/out" 2>&1; then fail "$CH: a TCP listener with a hostname was accepted"; fi
	grep -q "spec.listeners: Invalid value: \"array\": hostname must not be specified for protocols \['TCP', 'UDP'\]" "$T/out" ||
		fail "$CH: hostname on TCP: $(cat "$T/out")"
	code=$(curl -s -o "$T/body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
		-d '{"apiVersion":"gateway.networking.k8s.io/v1","kind":"BackendTLSPolicy","metadata":{"name":"bad"},"spec":{"targetRefs":[{"group":"","kind":"Service","name":"tls"}],"validation":{"hostname":"a.example.com"}}}' \
		"$SIM_URL$G/e2e/backendtlspolicies")
	[ "$code" = 422 ] || fail "$CH: invalid BackendTLSPolicy: HTTP $code $(cat "$T/body")"
	jq -e '.reason == "Invalid" and .details.kind == "BackendTLSPolicy" and .details.causes[0].field == "spec.validation" and
		.details.causes[0].message == "Invalid value: \"object\": must specify either CACertificateRefs or WellKnownCACertificates"' \
		"$T/body" >/dev/null || fail "$CH: 422 body: $(cat "$T/body")"
	ok "$CH: invalid objects refused with the CRD's messages (422 with causes)"

	K delete -f "$T/csa.yaml" >"$T/out" 2>&1 || fail "$CH: delete: $(cat "$T/out")"
	if K get lset ls-csa -n e2e >/dev/null 2>&1; then fail "$CH: deleted ListenerSet still there"; fi
	[ "$(K get gtw storefront -n ingress -o jsonpath='{.status.attachedListenerSets}')" = 2 ] || fail "$CH: attachedListenerSets after delete"
	ok "$CH: kubectl delete -f"
	stop_sim || fail "$CH: unclean exit: $(tail -20 "$SIM_LOG")"
done
