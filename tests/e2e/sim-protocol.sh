#!/bin/sh
# sim-protocol.sh: gammatop-sim speaks the Kubernetes REST protocol: discovery, LIST with
# pagination and selectors, GET, WATCH (bookmarks, timeoutSeconds, 410), merge/JSON/apply
# patches, dryRun, 409/415/422/404/400 Status answers, create and delete — checked with curl
# and jq against a sim on 127.0.0.1.
. "$GT_SRCDIR/tests/e2e/lib.sh"
command -v curl >/dev/null || skip "curl not installed"
command -v jq >/dev/null || skip "jq not installed"

start_sim --demo --generate namespaces=4,gateways=1,services=16,routes=70,seed=3 --bookmark-interval 1

GW=/apis/gateway.networking.k8s.io
B="$T/body"
H="$T/headers"
# req METHOD PATH [CONTENT-TYPE BODY] [ACCEPT]: prints the HTTP code; body in $B, headers in $H.
req() {
	if [ $# -ge 4 ]; then
		curl -s -o "$B" -D "$H" -w '%{http_code}' --max-time 10 -X "$1" -H "Content-Type: $3" \
			--data-binary "$4" ${5:+-H "Accept: $5"} "$SIM_URL$2"
	else
		curl -s -o "$B" -D "$H" -w '%{http_code}' --max-time 10 -X "$1" ${3:+-H "Accept: $3"} "$SIM_URL$2"
	fi
}
# expect CODE REASON: the last answer was a Status with this code and reason.
expect() {
	[ "$(jq -r '.kind' "$B")" = Status ] || fail "expected a Status, got $(head -c 300 "$B")"
	[ "$(jq -r '.code' "$B")" = "$1" ] || fail "expected Status code $1, got $(head -c 300 "$B")"
	[ "$(jq -r '.reason' "$B")" = "$2" ] || fail "expected reason $2, got $(head -c 300 "$B")"
}
jb() { jq -r "$1" "$B"; }

# ---- discovery ----
[ "$(req GET /api)" = 200 ] && [ "$(jb .kind)" = APIVersions ] && [ "$(jb '.versions[0]')" = v1 ] ||
	fail "/api: $(cat "$B")"
V2='application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'
V2B='application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList'
[ "$(req GET /apis "$V2,$V2B,application/json")" = 200 ] || fail "/apis aggregated"
grep -qi '^content-type: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' "$H" ||
	fail "aggregated v2 content type: $(cat "$H")"
[ "$(jb .apiVersion)" = apidiscovery.k8s.io/v2 ] || fail "aggregated v2 apiVersion"
[ "$(jb '[.items[] | select(.metadata.name=="gateway.networking.k8s.io") | .versions[] | select(.version=="v1") | .resources[].resource] | index("httproutes") != null')" = true ] ||
	fail "aggregated discovery lacks httproutes"
req GET /apis "$V2B" >/dev/null
[ "$(jb .apiVersion)" = apidiscovery.k8s.io/v2beta1 ] || fail "a v2beta1-only client got $(jb .apiVersion)"
grep -qi 'v=v2beta1' "$H" || fail "v2beta1 content type"
req GET /api "$V2" >/dev/null
[ "$(jb '.items[0].versions[0].resources | map(.resource) | index("services") != null')" = true ] ||
	fail "core aggregated discovery"
[ "$(req GET /apis)" = 200 ] && [ "$(jb .kind)" = APIGroupList ] &&
	[ "$(jb '.groups[0].preferredVersion.version')" = v1 ] || fail "/apis legacy: $(cat "$B")"
[ "$(req GET $GW/v1)" = 200 ] && [ "$(jb .kind)" = APIResourceList ] || fail "$GW/v1"
[ "$(jb '.resources[] | select(.name=="httproutes") | .verbs | index("patch") != null')" = true ] ||
	fail "httproutes verbs"
[ "$(jb '.resources[] | select(.name=="gateways") | .shortNames[0]')" = gtw ] || fail "gateways shortName"
[ "$(req GET $GW/v1beta1)" = 200 ] && [ "$(jb '[.resources[].name] | index("httproutes") != null')" = true ] ||
	fail "v1beta1 discovery"
[ "$(req GET /api/v1)" = 200 ] && [ "$(jb '.resources[] | select(.name=="services") | .shortNames[0]')" = svc ] ||
	fail "/api/v1"
[ "$(req GET /version)" = 200 ] && [ "$(jb .major)" = 1 ] || fail "/version"
[ "$(req GET /openapi/v3)" = 200 ] || fail "/openapi/v3"
U3=$(jb '.paths["apis/gateway.networking.k8s.io/v1"].serverRelativeURL')
[ "$(req GET "$U3")" = 200 ] || fail "openapi v3 group document $U3"
[ "$(jb '.paths["/apis/gateway.networking.k8s.io/v1/namespaces/{namespace}/httproutes/{name}"].patch.parameters | map(.name) | index("fieldValidation") != null')" = true ] ||
	fail "openapi v3: PATCH without fieldValidation"
[ "$(req GET /openapi/v2)" = 404 ] || fail "/openapi/v2 should be 404"
ok "discovery"

# ---- LIST, pagination, selectors ----
[ "$(req GET $GW/v1/httproutes)" = 200 ] || fail "list httproutes"
TOTAL=$(jb '.items | length')
[ "$TOTAL" -gt 60 ] || fail "only $TOTAL routes"
[ "$(jb .kind)" = HTTPRouteList ] || fail "list kind"
TOK=""; N=0; PAGES=0
: >"$T/names"
while :; do
	req GET "$GW/v1/httproutes?limit=25${TOK:+&continue=$TOK}" >/dev/null
	jq -r '.items[] | .metadata.namespace + "/" + .metadata.name' "$B" >>"$T/names"
	PAGES=$((PAGES + 1))
	TOK=$(jb '.metadata.continue // empty')
	[ -n "$TOK" ] || break
	[ "$(jb '.metadata.remainingItemCount')" -gt 0 ] || fail "remainingItemCount missing"
	[ $PAGES -lt 100 ] || fail "pagination does not end"
done
N=$(wc -l <"$T/names")
[ "$N" = "$TOTAL" ] || fail "paginated list has $N items, full list $TOTAL"
[ "$(sort -u "$T/names" | wc -l)" = "$TOTAL" ] || fail "paginated list has duplicates"
[ "$PAGES" = $(((TOTAL + 24) / 25)) ] || fail "$PAGES pages for $TOTAL items"
[ "$(req GET "$GW/v1/namespaces/shop/httproutes")" = 200 ] &&
	[ "$(jb '[.items[].metadata.namespace] | unique')" = '[
  "shop"
]' ] || fail "namespaced list: $(jb '[.items[].metadata.namespace] | unique')"
# every page reports the first page's resourceVersion, even after a change in between
req GET "$GW/v1/httproutes?limit=10" >/dev/null
RVP=$(jb .metadata.resourceVersion)
TOKP=$(jb .metadata.continue)
req PATCH /api/v1/namespaces/shop application/merge-patch+json '{"metadata":{"labels":{"paged":"yes"}}}' >/dev/null
req GET "$GW/v1/httproutes?limit=10&continue=$TOKP" >/dev/null
[ "$(jb .metadata.resourceVersion)" = "$RVP" ] || fail "page 2 resourceVersion $(jb .metadata.resourceVersion), page 1 $RVP"
[ "$(req GET "$GW/v1/httproutes?continue=garbage")" = 400 ] && expect 400 BadRequest
[ "$(req GET "$GW/v1/httproutes?limit=abc")" = 400 ] && expect 400 BadRequest
[ "$(req GET "/api/v1/namespaces?labelSelector=team%3Dcheckout")" = 200 ] || fail "labelSelector"
[ "$(jb '[.items[].metadata.name] | sort | join(",")')" = "cart,checkout" ] ||
	fail "labelSelector team=checkout: $(jb '[.items[].metadata.name]')"
req GET "/api/v1/namespaces?labelSelector=team%20in%20(payments,identity)" >/dev/null
[ "$(jb '[.items[].metadata.name] | sort | join(",")')" = "accounts,payments" ] || fail "set selector"
[ "$(req GET "/api/v1/namespaces?labelSelector=%3D%3Dx")" = 400 ] && expect 400 BadRequest
req GET "$GW/v1/httproutes?fieldSelector=metadata.name%3Dcheckout" >/dev/null
[ "$(jb '.items | length')" = 1 ] || fail "fieldSelector"
TBL='application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json'
[ "$(req GET "$GW/v1/httproutes?limit=5" "$TBL")" = 200 ] && [ "$(jb .kind)/$(jb .apiVersion)" = Table/meta.k8s.io/v1 ] ||
	fail "Table list: $(head -c 300 "$B")"
[ "$(jb '[.columnDefinitions[].name] | join(",")')" = Name,Hostnames,Age ] || fail "Table columns"
[ "$(jb '.rows | length')/$(jb '.rows[0].object.kind')" = 5/PartialObjectMetadata ] || fail "Table rows"
[ -n "$(jb .metadata.continue)" ] || fail "Table list without continue"
req GET "/api/v1/namespaces/payments/services?includeObject=Object" "$TBL" >/dev/null
[ "$(jb '.rows[0].object.kind')/$(jb '[.columnDefinitions[].name] | join(",")')" = "Service/Name,Type,Cluster-IP,External-IP,Port(s),Age,Selector" ] ||
	fail "Service table: $(head -c 400 "$B")"
[ "$(jb '.rows[0].cells[4]')" = 8080/TCP ] || fail "Service ports cell"
req GET "$GW/v1/namespaces/ingress/gateways/storefront" "$TBL" >/dev/null
[ "$(jb '.rows[0].cells | .[1] + "," + .[3]')" = "gammatop,True" ] || fail "Gateway row: $(jb .rows)"
req GET "$GW/v1/httproutes?limit=1" "application/json" >/dev/null
[ "$(jb .kind)" = HTTPRouteList ] || fail "plain JSON when asked first"
ok "list: $TOTAL routes in $PAGES pages of 25, selectors, Tables"

# ---- GET, 404 ----
[ "$(req GET $GW/v1/namespaces/checkout/httproutes/checkout)" = 200 ] || fail "get"
[ "$(jb .kind)/$(jb .apiVersion)" = "HTTPRoute/gateway.networking.k8s.io/v1" ] || fail "get kind/apiVersion"
RV0=$(jb .metadata.resourceVersion)
GEN0=$(jb .metadata.generation)
[ -n "$(jb .metadata.uid)" ] && [ -n "$(jb .metadata.creationTimestamp)" ] || fail "uid/creationTimestamp"
[ "$(jb '.status.parents[0].conditions[] | select(.type=="Accepted") | .status')" = True ] || fail "route status"
req GET $GW/v1beta1/namespaces/checkout/httproutes/checkout >/dev/null
[ "$(jb .apiVersion)" = gateway.networking.k8s.io/v1beta1 ] || fail "v1beta1 view"
[ "$(req GET $GW/v1/namespaces/checkout/httproutes/nope)" = 404 ] && expect 404 NotFound
[ "$(jb .details.name)" = nope ] || fail "NotFound details"
[ "$(req GET $GW/v1/foos)" = 404 ] && expect 404 NotFound
[ "$(req GET /apis/example.com/v1/bars)" = 404 ] && expect 404 NotFound
[ "$(req GET $GW/v1/namespaces/checkout/grpcroutes/x)" = 404 ] || fail "grpcroute 404"
[ "$(req GET $GW/v1beta1/grpcroutes)" = 404 ] || fail "grpcroutes are not served in v1beta1"
[ "$(req GET $GW/v1/referencegrants)" = 200 ] && [ "$(req GET $GW/v1beta1/referencegrants)" = 200 ] ||
	fail "referencegrants v1 and v1beta1"
ok "get and 404"

# ---- WATCH: events, bookmarks, timeoutSeconds ----
curl -sN --max-time 8 "$SIM_URL$GW/v1/namespaces/checkout/httproutes?watch=1&resourceVersion=$RV0&allowWatchBookmarks=true&timeoutSeconds=3" >"$T/watch" &
WP=$!
sleep 0.5
P='{"metadata":{"labels":{"e2e":"watched"}}}'
[ "$(req PATCH $GW/v1/namespaces/checkout/httproutes/checkout application/merge-patch+json "$P")" = 200 ] ||
	fail "label patch: $(cat "$B")"
[ "$(jb .metadata.generation)" = "$GEN0" ] || fail "a label change bumped generation"
wait $WP
WRC=$?
[ "$WRC" = 0 ] || fail "the watch did not end by itself at timeoutSeconds (curl $WRC)"
jq -e -s 'map(select(.type=="MODIFIED" and .object.metadata.labels.e2e=="watched")) | length == 1' "$T/watch" >/dev/null ||
	fail "no MODIFIED event: $(cat "$T/watch")"
jq -e -s 'map(select(.type=="BOOKMARK")) | length >= 1' "$T/watch" >/dev/null || fail "no BOOKMARK"
jq -e -s 'map(select(.type=="BOOKMARK") | .object.metadata.resourceVersion | tonumber) | all(. > 0)' "$T/watch" >/dev/null ||
	fail "bookmark without resourceVersion"
jq -e -s 'all(.object.metadata.namespace == "checkout" or .type == "BOOKMARK")' "$T/watch" >/dev/null || fail "namespace filter"
# no resourceVersion: the current state as ADDED first
curl -sN --max-time 5 "$SIM_URL$GW/v1/namespaces/shop/httproutes?watch=true&timeoutSeconds=1" >"$T/watch0"
[ "$(jq -s 'map(select(.type=="ADDED")) | length' "$T/watch0")" -ge 5 ] || fail "initial ADDED events"
curl -sN --max-time 5 "$SIM_URL$GW/v1/httproutes?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1" >"$T/watch1"
jq -e -s 'map(select(.type=="BOOKMARK" and .object.metadata.annotations["k8s.io/initial-events-end"]=="true")) | length == 1' "$T/watch1" >/dev/null ||
	fail "sendInitialEvents end bookmark"
[ "$(req GET "$GW/v1/httproutes?watch=1&timeoutSeconds=x")" = 400 ] && expect 400 BadRequest
curl -sN --max-time 5 -H "Accept: $TBL" "$SIM_URL$GW/v1/namespaces/shop/httproutes?watch=true&timeoutSeconds=1" >"$T/watcht"
jq -e -s 'length >= 5 and all(.object.kind == "Table" and (.object.rows | length) == 1)' "$T/watcht" >/dev/null ||
	fail "Table watch events: $(head -c 300 "$T/watcht")"
ok "watch: MODIFIED, BOOKMARK, timeoutSeconds, initial events"

# ---- merge patch: generation, status, 409 ----
P='{"spec":{"rules":[{"backendRefs":[{"name":"checkout","port":8080}],"timeouts":{"request":"4s","backendRequest":"1s"}}]}}'
[ "$(req PATCH "$GW/v1/namespaces/checkout/httproutes/checkout?fieldManager=e2e" application/merge-patch+json "$P")" = 200 ] ||
	fail "merge patch: $(cat "$B")"
[ "$(jb .spec.rules[0].timeouts.request)" = 4s ] || fail "merge patch result"
[ "$(jb .metadata.generation)" = $((GEN0 + 1)) ] || fail "generation not bumped by a spec change"
req GET $GW/v1/namespaces/checkout/httproutes/checkout >/dev/null
[ "$(jb '.status.parents[0].conditions[0].observedGeneration')" = $((GEN0 + 1)) ] || fail "status observedGeneration"
[ "$(jb .metadata.generation)" = $((GEN0 + 1)) ] || fail "status write bumped generation"
[ "$(jb '.metadata.managedFields | map(.manager) | index("e2e") != null')" = true ] || fail "managedFields"
P='{"metadata":{"resourceVersion":"'$RV0'"},"spec":{"hostnames":["x.example.com"]}}'
[ "$(req PATCH $GW/v1/namespaces/checkout/httproutes/checkout application/merge-patch+json "$P")" = 409 ] &&
	expect 409 Conflict
jb .message | grep -q "the object has been modified" || fail "409 message"
CUR=$(curl -s "$SIM_URL$GW/v1/namespaces/checkout/httproutes/checkout" | jq -r .metadata.resourceVersion)
P='{"metadata":{"resourceVersion":"'$CUR'","labels":{"fresh":"yes"}}}'
[ "$(req PATCH $GW/v1/namespaces/checkout/httproutes/checkout application/merge-patch+json "$P")" = 200 ] ||
	fail "patch with the current resourceVersion: $(cat "$B")"
[ "$(jb .metadata.resourceVersion)" -gt "$CUR" ] || fail "resourceVersion did not grow"
ok "merge patch, generation, status, 409 on a stale resourceVersion"

# ---- dryRun ----
RVD=$(curl -s "$SIM_URL$GW/v1/namespaces/checkout/httproutes/checkout" | jq -r .metadata.resourceVersion)
P='{"spec":{"hostnames":["dry.example.com"]}}'
[ "$(req PATCH "$GW/v1/namespaces/checkout/httproutes/checkout?dryRun=All" application/merge-patch+json "$P")" = 200 ] ||
	fail "dry run: $(cat "$B")"
[ "$(jb '.spec.hostnames[0]')" = dry.example.com ] || fail "dry run answer"
req GET $GW/v1/namespaces/checkout/httproutes/checkout >/dev/null
[ "$(jb '.spec.hostnames // [] | length')" = 0 ] && [ "$(jb .metadata.resourceVersion)" = "$RVD" ] ||
	fail "dry run persisted"
[ "$(req PATCH "$GW/v1/namespaces/checkout/httproutes/checkout?dryRun=Some" application/merge-patch+json "$P")" = 400 ] ||
	fail "dryRun=Some"
P='{"spec":{"rules":[{"backendRefs":[{"name":"checkout","port":8080}],"timeouts":{"request":"1s","backendRequest":"2s"}}]}}'
[ "$(req PATCH "$GW/v1/namespaces/checkout/httproutes/checkout?dryRun=All" application/merge-patch+json "$P")" = 422 ] &&
	expect 422 Invalid
ok "dryRun=All"

# ---- 422 Invalid with field causes ----
inval() { # inval RULE-JSON FIELD: a patch of rule 0 is rejected with a cause on FIELD
	P='{"spec":{"rules":[{"backendRefs":[{"name":"checkout","port":8080}],'"$1"'}]}}'
	[ "$(req PATCH $GW/v1/namespaces/checkout/httproutes/checkout application/merge-patch+json "$P")" = 422 ] ||
		fail "not rejected: $1 ($(cat "$B"))"
	expect 422 Invalid
	[ "$(jq -r --arg f "$2" '[.details.causes[].field] | index($f) != null' "$B")" = true ] ||
		fail "no cause on $2 for $1: $(jb '.details.causes')"
}
inval '"timeouts":{"request":"1.5s"}' 'spec.rules[0].timeouts.request'
inval '"timeouts":{"request":"100000s"}' 'spec.rules[0].timeouts.request'
inval '"timeouts":{"request":"1s","backendRequest":"2s"}' 'spec.rules[0].timeouts'
inval '"retry":{"codes":[503,600]}' 'spec.rules[0].retry.codes[1]'
inval '"retry":{"codes":[399]}' 'spec.rules[0].retry.codes[0]'
inval '"retry":{"codes":[503,503]}' 'spec.rules[0].retry.codes[1]'
inval '"retry":{"attempts":0}' 'spec.rules[0].retry.attempts'
inval '"retry":{"backoff":"fast"}' 'spec.rules[0].retry.backoff'
P='{"spec":{"rules":[{"backendRefs":[{"name":"checkout","port":0,"weight":-1}]}]}}'
[ "$(req PATCH $GW/v1/namespaces/checkout/httproutes/checkout application/merge-patch+json "$P")" = 422 ] || fail "port 0"
[ "$(jb '[.details.causes[].field] | sort | join(",")')" = 'spec.rules[0].backendRefs[0].port,spec.rules[0].backendRefs[0].weight' ] ||
	fail "port/weight causes: $(jb .details.causes)"
jb .message | grep -q 'HTTPRoute.gateway.networking.k8s.io "checkout" is invalid' || fail "Invalid message: $(jb .message)"
# 0s request disables the timeout: any backendRequest is fine
P='{"spec":{"rules":[{"backendRefs":[{"name":"checkout","port":8080}],"timeouts":{"request":"0s","backendRequest":"2s"}}]}}'
[ "$(req PATCH "$GW/v1/namespaces/checkout/httproutes/checkout?dryRun=All" application/merge-patch+json "$P")" = 200 ] ||
	fail "request 0s: $(cat "$B")"
ok "422 Invalid with causes"

# ---- JSON patch ----
P='[{"op":"test","path":"/spec/rules/0/timeouts/request","value":"4s"},{"op":"replace","path":"/spec/rules/0/timeouts/request","value":"6s"},{"op":"add","path":"/metadata/labels/jp","value":"1"}]'
[ "$(req PATCH $GW/v1/namespaces/checkout/httproutes/checkout application/json-patch+json "$P")" = 200 ] ||
	fail "json patch: $(cat "$B")"
[ "$(jb .spec.rules[0].timeouts.request)/$(jb .metadata.labels.jp)" = 6s/1 ] || fail "json patch result"
P='[{"op":"test","path":"/spec/rules/0/timeouts/request","value":"4s"}]'
[ "$(req PATCH $GW/v1/namespaces/checkout/httproutes/checkout application/json-patch+json "$P")" = 422 ] || fail "failed test op"
P='[{"op":"remove","path":"/spec/nothing"}]'
[ "$(req PATCH $GW/v1/namespaces/checkout/httproutes/checkout application/json-patch+json "$P")" = 422 ] || fail "remove missing"
P='{"op":"remove"}'
[ "$(req PATCH $GW/v1/namespaces/checkout/httproutes/checkout application/json-patch+json "$P")" = 400 ] && expect 400 BadRequest
ok "JSON patch"

# ---- content types, bad bodies ----
[ "$(req PATCH $GW/v1/namespaces/checkout/httproutes/checkout application/strategic-merge-patch+json '{}')" = 415 ] &&
	expect 415 UnsupportedMediaType
[ "$(req PATCH $GW/v1/namespaces/checkout/httproutes/checkout text/plain 'x')" = 415 ] && expect 415 UnsupportedMediaType
[ "$(req PATCH /api/v1/namespaces/checkout/services/checkout application/strategic-merge-patch+json '{"metadata":{"labels":{"smp":"ok"}}}')" = 200 ] ||
	fail "strategic merge on a Service: $(cat "$B")"
[ "$(req PATCH $GW/v1/namespaces/checkout/httproutes/checkout application/merge-patch+json '{"spec":')" = 400 ] &&
	expect 400 BadRequest
[ "$(req PATCH $GW/v1/namespaces/checkout/httproutes/checkout application/merge-patch+json '[1]')" = 400 ] && expect 400 BadRequest
[ "$(req POST $GW/v1/namespaces/checkout/httproutes application/json 'not json')" = 400 ] && expect 400 BadRequest
[ "$(req PATCH $GW/v1/namespaces/checkout/httproutes/nope application/merge-patch+json '{}')" = 404 ] && expect 404 NotFound
[ "$(req PUT $GW/v1/httproutes application/json '{}')" = 405 ] && expect 405 MethodNotAllowed
ok "415, 400, 405"

# ---- server-side apply ----
ROUTE='apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: applied
  namespace: checkout
spec:
  parentRefs:
  - group: ""
    kind: Service
    name: checkout
    port: 8080
  rules:
  - backendRefs:
    - name: checkout
      port: 8080
    timeouts:
      request: 3s'
[ "$(req PATCH "$GW/v1/namespaces/checkout/httproutes/applied" application/apply-patch+yaml "$ROUTE")" = 422 ] &&
	expect 422 Invalid # no fieldManager
[ "$(req PATCH "$GW/v1/namespaces/checkout/httproutes/applied?fieldManager=e2e-apply" application/apply-patch+yaml "$ROUTE")" = 201 ] ||
	fail "apply create: $(cat "$B")"
[ "$(jb '.metadata.managedFields[0].manager + "/" + .metadata.managedFields[0].operation')" = e2e-apply/Apply ] ||
	fail "apply managedFields: $(jb .metadata.managedFields)"
[ "$(req PATCH "$GW/v1/namespaces/checkout/httproutes/applied?fieldManager=e2e-apply" application/apply-patch+yaml "$ROUTE")" = 200 ] ||
	fail "re-apply"
P='{"spec":{"rules":[{"backendRefs":[{"name":"checkout","port":8080}],"timeouts":{"request":"9s"}}]}}'
[ "$(req PATCH "$GW/v1/namespaces/checkout/httproutes/applied?fieldManager=other" application/merge-patch+json "$P")" = 200 ] ||
	fail "merge patch by another manager"
[ "$(req PATCH "$GW/v1/namespaces/checkout/httproutes/applied?fieldManager=e2e-apply" application/apply-patch+yaml "$ROUTE")" = 409 ] &&
	expect 409 Conflict
jb .message | grep -q 'conflict with "other"' || fail "apply conflict message: $(jb .message)"
[ "$(jb '.details.causes[0].field')" = .spec.rules ] || fail "conflict cause field: $(jb .details.causes)"
[ "$(req PATCH "$GW/v1/namespaces/checkout/httproutes/applied?fieldManager=e2e-apply&force=true" application/apply-patch+yaml "$ROUTE")" = 200 ] ||
	fail "forced apply: $(cat "$B")"
[ "$(jb .spec.rules[0].timeouts.request)" = 3s ] || fail "forced apply result"
JSONROUTE=$(printf '%s' "$ROUTE" | sed 's/3s/2s/')
req PATCH "$GW/v1/namespaces/checkout/httproutes/applied?fieldManager=e2e-apply&dryRun=All" application/apply-patch+yaml "$JSONROUTE" >/dev/null
[ "$(jb .spec.rules[0].timeouts.request)" = 2s ] || fail "apply dry run"
req GET "$GW/v1/namespaces/checkout/httproutes/applied" >/dev/null
[ "$(jb .spec.rules[0].timeouts.request)" = 3s ] || fail "apply dry run persisted"
ok "server-side apply: create, conflict, force, dry run"

# ---- create, AlreadyExists, delete ----
SVC='{"apiVersion":"v1","kind":"Service","metadata":{"name":"e2e-svc"},"spec":{"ports":[{"port":80}]}}'
[ "$(req POST /api/v1/namespaces/checkout/services application/json "$SVC")" = 201 ] || fail "create: $(cat "$B")"
[ -n "$(jb .spec.clusterIP)" ] || fail "no clusterIP default"
[ "$(req POST /api/v1/namespaces/checkout/services application/json "$SVC")" = 409 ] && expect 409 AlreadyExists
[ "$(req POST /api/v1/namespaces/nowhere/services application/json "$SVC")" = 404 ] && expect 404 NotFound
[ "$(req POST /api/v1/namespaces/checkout/services application/json '{"apiVersion":"v1","kind":"Service","metadata":{"name":"Bad_Name"}}')" = 422 ] &&
	expect 422 Invalid
[ "$(req DELETE /api/v1/namespaces/checkout/services/e2e-svc)" = 200 ] || fail "delete"
[ "$(req GET /api/v1/namespaces/checkout/services/e2e-svc)" = 404 ] || fail "deleted service still there"
[ "$(req DELETE /api/v1/namespaces/checkout/services/e2e-svc)" = 404 ] && expect 404 NotFound
# deletecollection with a label selector
for n in dc-1 dc-2 dc-3; do
	req POST /api/v1/namespaces/checkout/services application/json \
		'{"apiVersion":"v1","kind":"Service","metadata":{"name":"'$n'","labels":{"dc":"'${n#dc-}'"}},"spec":{"ports":[{"port":80}]}}' >/dev/null
done
[ "$(req DELETE "/api/v1/namespaces/checkout/services?labelSelector=dc%20in%20(1,2)")" = 200 ] || fail "deletecollection: $(cat "$B")"
[ "$(jb '[.items[].metadata.name] | join(",")')" = dc-1,dc-2 ] || fail "deletecollection items: $(jb '[.items[].metadata.name]')"
[ "$(req GET /api/v1/namespaces/checkout/services/dc-1)" = 404 ] && [ "$(req GET /api/v1/namespaces/checkout/services/dc-3)" = 200 ] ||
	fail "deletecollection deleted the wrong services"
ok "create, 409 AlreadyExists, delete, deletecollection"

# ---- the watch history: 410 Expired ----
OLD=$RV0
req GET "$GW/v1/httproutes?limit=10" >/dev/null
TOKX=$(jb .metadata.continue)
[ "$(req POST /sim/v1/expire)" = 200 ] || fail "admin expire"
[ "$(req GET "$GW/v1/httproutes?limit=10&continue=$TOKX")" = 410 ] && expect 410 Expired
curl -sN --max-time 5 "$SIM_URL$GW/v1/httproutes?watch=1&resourceVersion=$OLD&timeoutSeconds=2" >"$T/watch410"
jq -e -s '.[0].type == "ERROR" and .[0].object.code == 410 and .[0].object.reason == "Expired"' "$T/watch410" >/dev/null ||
	fail "no 410 ERROR event: $(cat "$T/watch410")"
ok "410 Expired (watch and continue token) after the history is gone"
# A watch that is fully caught up (opened at the current resourceVersion, nothing changing) is
# ended with 410 Expired too, as after an etcd compaction past it; a new list gives a newer
# resourceVersion from which a watch carries on without an ERROR.
[ "$(req GET "$GW/v1/httproutes?limit=1")" = 200 ] || fail "list before expire"
RVNOW=$(jb .metadata.resourceVersion)
curl -sN --max-time 10 "$SIM_URL$GW/v1/httproutes?watch=1&resourceVersion=$RVNOW&allowWatchBookmarks=true&timeoutSeconds=8" >"$T/watchnow" &
WATCH_PID=$!
wait_for "grep -q BOOKMARK '$T/watchnow'" 5 || fail "the caught-up watch got no BOOKMARK"
[ "$(req POST /sim/v1/expire)" = 200 ] || fail "admin expire (2)"
wait $WATCH_PID
jq -e -s 'map(select(.type == "ERROR"))[0].object.code == 410' "$T/watchnow" >/dev/null ||
	fail "a caught-up watch was not ended with 410 Expired: $(cat "$T/watchnow")"
[ "$(req GET "$GW/v1/httproutes?limit=1")" = 200 ] || fail "list after expire"
RVNEW=$(jb .metadata.resourceVersion)
[ "$RVNEW" -gt "$RVNOW" ] || fail "the resourceVersion did not move past the expired history ($RVNOW, $RVNEW)"
curl -sN --max-time 5 "$SIM_URL$GW/v1/httproutes?watch=1&resourceVersion=$RVNEW&timeoutSeconds=2" >"$T/watchnew"
grep -q '"ERROR"' "$T/watchnew" && fail "a watch from the new resourceVersion failed: $(cat "$T/watchnew")"
ok "expire ends caught-up watches with 410; a new list's resourceVersion watches on"

kill -0 "$SIM_PID" || fail "the sim died"
stop_sim || fail "the sim did not exit cleanly (status $?): $(tail -20 "$SIM_LOG")"
ok "clean exit"
