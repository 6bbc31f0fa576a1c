#!/bin/sh
# tests/e2e/export-manifests.sh: the batch outputs on real manifests, through the real
# binary: snapshot -o json (jq parses it, the contract's fields are there), -o yaml (parses
# to the same document), -o dot (renders with Graphviz), routes (table, wide, json; hostile
# names never reach the output raw), lint exit codes 0/1/2, --output, --help, and bad
# arguments. Runs on tests/fixtures/manifests and, when present, the upstream examples.
. "$GT_SRCDIR/tests/e2e/lib.sh"

[ -x "$GAMMATOP" ] || skip "no gammatop binary"
command -v jq >/dev/null 2>&1 || skip "jq is not installed"
FIX="$GT_SRCDIR/tests/fixtures/manifests"
[ -d "$FIX" ] || fail "no fixtures in $FIX"
ESC=$(printf '\033')

# YAML -> JSON with whatever this machine has: PyYAML, or a yq (python jq wrapper or Go yq).
yaml_to_json() {
	if python3 -c 'import yaml' 2>/dev/null; then
		python3 -c 'import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)' <"$1"
	elif command -v yq >/dev/null 2>&1 && [ "$(echo 'a: 1' | yq -c . 2>/dev/null)" = '{"a":1}' ]; then
		yq -c . "$1"
	elif command -v yq >/dev/null 2>&1 && [ "$(echo 'a: 1' | yq -o=json -I=0 . 2>/dev/null)" = '{"a":1}' ]; then
		yq -o=json '.' "$1"
	else
		return 2
	fi
}

# check_snapshot DIR NAME: json, yaml and dot of the manifests in DIR.
check_snapshot() {
	"$GAMMATOP" snapshot -f "$1" -o json >"$T/$2.json" 2>"$T/$2.err" ||
		fail "$2: snapshot -o json failed: $(cat "$T/$2.err")"
	jq -e '.apiVersion == "gammatop.dev/v1" and .kind == "Snapshot"' "$T/$2.json" >/dev/null ||
		fail "$2: snapshot JSON does not parse or has the wrong apiVersion/kind"
	jq -e '[keys_unsorted[]] == ["apiVersion","kind","generatedAt","source","gatewayClasses",
		"gateways","listenerSets","services","routes","policies","meshes","findings"]' "$T/$2.json" >/dev/null ||
		fail "$2: top-level keys differ: $(jq -c keys_unsorted "$T/$2.json")"
	jq -e '.generatedAt | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")' \
		"$T/$2.json" >/dev/null || fail "$2: generatedAt is not RFC 3339"
	jq -e 'all(.gateways[].listeners[]; has("name") and has("port") and has("protocol")
			and has("hostname") and has("attachedRoutes"))
		and all(.routes[]; has("kind") and has("namespace") and has("name") and has("hostnames")
			and has("parents") and has("rules") and has("status"))
		and all(.routes[].parents[]; has("kind") and has("namespace") and has("name")
			and has("sectionName") and has("port") and has("attached") and has("reason")
			and has("listeners") and (.role | IN("gateway","producer","consumer","other")))
		and all(.routes[].rules[]; has("index") and has("name") and has("matches")
			and has("backends") and (.timeouts | has("request") and has("backendRequest"))
			and (.retry | has("attempts") and has("backoff") and has("codes")))
		and all(.routes[].rules[].backends[]; has("kind") and has("namespace") and has("name")
			and has("port") and has("weight") and has("resolved") and has("reason"))
		and all(.findings[]; keys_unsorted == ["severity","code","object","field","message"])' \
		"$T/$2.json" >/dev/null || fail "$2: a snapshot object lacks a contract field"
	ok "$2: snapshot -o json ($(jq '.routes | length' "$T/$2.json") routes, $(jq '.findings | length' "$T/$2.json") findings)"

	"$GAMMATOP" snapshot -f "$1" -o yaml >"$T/$2.yaml" 2>/dev/null || fail "$2: snapshot -o yaml failed"
	yaml_to_json "$T/$2.yaml" >"$T/$2.yaml.json" 2>"$T/$2.yaml.err"
	yrc=$?
	[ $yrc -eq 0 ] || [ $yrc -eq 2 ] || fail "$2: the YAML does not parse: $(tail -3 "$T/$2.yaml.err")"
	if [ $yrc -eq 0 ]; then
		jq -S 'del(.generatedAt)' "$T/$2.json" >"$T/$2.a"
		jq -S 'del(.generatedAt)' "$T/$2.yaml.json" >"$T/$2.b"
		cmp -s "$T/$2.a" "$T/$2.b" ||
			fail "$2: YAML is not the same document as JSON: $(diff "$T/$2.a" "$T/$2.b" | head -20)"
		ok "$2: snapshot -o yaml parses to the same document"
	else
		echo "# $2: no YAML parser on this machine (PyYAML or yq): YAML not checked"
	fi

	"$GAMMATOP" snapshot -f "$1" -o dot --output-file "$T/$2.dot" 2>/dev/null || fail "$2: snapshot -o dot failed"
	head -1 "$T/$2.dot" | grep -q '^digraph gammatop {$' || fail "$2: not a digraph"
	if command -v dot >/dev/null 2>&1; then
		dot -Tsvg "$T/$2.dot" -o "$T/$2.svg" 2>"$T/$2.doterr" ||
			fail "$2: dot -Tsvg rejects the graph: $(head -5 "$T/$2.doterr")"
		[ -s "$T/$2.svg" ] || fail "$2: empty SVG"
		ok "$2: snapshot -o dot renders with dot -Tsvg"
	fi
}

check_snapshot "$FIX" fixtures

# Deterministic: two runs differ only in generatedAt.
"$GAMMATOP" snapshot -f "$FIX" | jq 'del(.generatedAt)' >"$T/again.json"
jq 'del(.generatedAt)' "$T/fixtures.json" | cmp -s - "$T/again.json" || fail "snapshot is not deterministic"
ok "snapshot output is deterministic"

# routes
"$GAMMATOP" routes -f "$FIX" >"$T/routes.txt" || fail "routes failed"
head -1 "$T/routes.txt" | grep -Eq '^NAMESPACE +KIND +ROUTE +RULE +PARENTS +BACKENDS +TIMEOUTS +RETRY$' ||
	fail "routes header: $(head -1 "$T/routes.txt")"
rules=$(jq '[.routes[].rules[]] | length' "$T/fixtures.json")
[ "$(($(wc -l <"$T/routes.txt") - 1))" -eq "$rules" ] || fail "routes: $(wc -l <"$T/routes.txt") lines for $rules rules"
"$GAMMATOP" routes -f "$FIX" -o wide | head -1 | grep -Eq 'RETRY +MATCHES +HOSTNAMES +STATUS$' ||
	fail "routes -o wide header"
"$GAMMATOP" routes -f "$FIX" -o json | jq -e --argjson n "$rules" \
	'.kind == "RouteRuleList" and (.items | length) == $n' >/dev/null || fail "routes -o json"
ok "routes: table, wide and json agree with the snapshot ($rules rules)"

# Hostile names: an ESC sequence in a route name, hostname and annotation never reaches
# table output raw; JSON keeps them escaped; annotations are never exported.
cat >"$T/hostile.yaml" <<YAML
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: "evil\\e]0;pwned\\a\\e[2J"
  namespace: default
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: "{\\"token\\":\\"s3cr3t\\"} \\e[31m"
spec:
  parentRefs: [{name: "gw\\e[5m"}]
  hostnames: ["x\\e[1m.example.com"]
  rules:
  - backendRefs: [{name: "svc\\e[7m", port: 80}]
YAML
for fmt in table wide; do
	"$GAMMATOP" routes -f "$T/hostile.yaml" -o $fmt >"$T/h.$fmt" 2>"$T/h.err" || fail "routes on hostile input"
	grep -q "$ESC" "$T/h.$fmt" && fail "routes -o $fmt printed a raw ESC"
	grep -q 'evil?]0;pwned??\[2J' "$T/h.$fmt" || fail "routes -o $fmt: hostile name not shown sanitised: $(cat "$T/h.$fmt")"
done
"$GAMMATOP" lint -f "$T/hostile.yaml" >"$T/h.lint" 2>&1
grep -q "$ESC" "$T/h.lint" && fail "lint printed a raw ESC"
"$GAMMATOP" snapshot -f "$T/hostile.yaml" -o yaml >"$T/h.yaml" 2>/dev/null
"$GAMMATOP" snapshot -f "$T/hostile.yaml" -o dot >"$T/h.dot" 2>/dev/null
"$GAMMATOP" snapshot -f "$T/hostile.yaml" >"$T/h.json" 2>/dev/null
for f in h.json h.yaml h.dot; do
	grep -q "$ESC" "$T/$f" && fail "snapshot $f carries a raw ESC"
	grep -q 's3cr3t' "$T/$f" && fail "snapshot $f copied an annotation"
done
jq -e '.routes[0].name == "evil\u001b]0;pwned\u0007\u001b[2J"' "$T/h.json" >/dev/null ||
	fail "snapshot JSON does not keep the name exactly"
ok "hostile names: sanitised in tables, escaped in JSON/YAML/DOT, annotations never exported"

# lint exit codes
cat >"$T/clean.yaml" <<YAML
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: eg}
spec: {controllerName: example.com/gw}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  gatewayClassName: eg
  listeners: [{name: http, port: 80, protocol: HTTP}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {ports: [{port: 8080}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules:
  - backendRefs: [{name: web, port: 8080}]
    timeouts: {request: 10s, backendRequest: 2s}
YAML
"$GAMMATOP" lint -f "$T/clean.yaml" >"$T/lint.out" 2>&1
rc=$?; [ $rc -eq 0 ] || fail "lint on a clean manifest: exit $rc: $(cat "$T/lint.out")"
sed 's/backendRequest: 2s/backendRequest: 20s/; s/name: web, port: 8080/name: nope, port: 8080/' \
	"$T/clean.yaml" >"$T/bad.yaml"
"$GAMMATOP" lint -f "$T/bad.yaml" >"$T/lint.out" 2>/dev/null
rc=$?; [ $rc -eq 1 ] || fail "lint with errors: exit $rc"
grep -q BackendNotFound "$T/lint.out" || fail "lint: BackendNotFound not reported"
grep -q BackendTimeoutExceedsRequest "$T/lint.out" || fail "lint: BackendTimeoutExceedsRequest not reported"
"$GAMMATOP" lint -f "$T/bad.yaml" -o json >"$T/lint.json" 2>/dev/null
rc=$?; [ $rc -eq 1 ] || fail "lint -o json with errors: exit $rc"
jq -e '.kind == "LintReport" and .summary.errors >= 2' "$T/lint.json" >/dev/null || fail "lint -o json document"
"$GAMMATOP" lint -f "$T/does-not-exist" >/dev/null 2>&1
rc=$?; [ $rc -eq 2 ] || fail "lint on a missing path: exit $rc"
printf 'apiVersion: v1\nkind: Service\nmetadata: {name: a\n  bad: [\n' >"$T/broken.yaml"
"$GAMMATOP" lint -f "$T/clean.yaml" -f "$T/broken.yaml" >/dev/null 2>"$T/err"
rc=$?; [ $rc -eq 2 ] || fail "lint with a YAML syntax error: exit $rc"
grep -q "broken.yaml:4" "$T/err" || fail "lint does not say where the YAML is broken: $(cat "$T/err")"
sed 's/port: 8080}]}/port: "eighty"}]}/' "$T/clean.yaml" >"$T/badtype.yaml"
"$GAMMATOP" lint -f "$T/badtype.yaml" >/dev/null 2>"$T/err"
rc=$?; [ $rc -eq 2 ] || fail "lint with an invalid object: exit $rc ($(cat "$T/err"))"
"$GAMMATOP" lint --bogus -f "$T/clean.yaml" >/dev/null 2>&1
rc=$?; [ $rc -eq 2 ] || fail "lint with a bad option: exit $rc"
"$GAMMATOP" lint -o xml -f "$T/clean.yaml" >/dev/null 2>"$T/err"
rc=$?; [ $rc -eq 2 ] || fail "lint -o xml: exit $rc"
grep -q "unknown output format 'xml'" "$T/err" || fail "lint -o xml message: $(cat "$T/err")"
"$GAMMATOP" lint --codes | grep -Eq '^RetriesExceedRequestTimeout +warning' || fail "lint --codes"
"$GAMMATOP" lint --codes -o json | jq -e '.items | length > 10' >/dev/null || fail "lint --codes -o json"
MAN="$GT_SRCDIR/doc/gammatop.1"
for code in $("$GAMMATOP" lint --codes -o json | jq -r '.items[].code'); do
	grep -q "\\<$code\\>" "$MAN" || fail "finding code $code is not documented in doc/gammatop.1"
done
ok "lint exit codes: 0 clean, 1 errors, 2 missing input / broken YAML / invalid object / bad option / bad format; --codes, each documented in gammatop.1"

# usage errors, --help and --output for every command
for cmd in snapshot routes lint; do
	"$GAMMATOP" $cmd --help >"$T/help" 2>&1 || fail "$cmd --help: exit $?"
	grep -q "^Usage: gammatop $cmd" "$T/help" || fail "$cmd --help text"
	"$GAMMATOP" $cmd -o nonsense -f "$FIX" >/dev/null 2>&1
	rc=$?; [ $rc -eq 2 ] || fail "$cmd -o nonsense: exit $rc"
	"$GAMMATOP" $cmd -f "$FIX" extra-arg >/dev/null 2>&1
	rc=$?; [ $rc -eq 2 ] || fail "$cmd with a stray argument: exit $rc"
done
"$GAMMATOP" routes -f "$FIX" -o json --output-file "$T/routes.json" >"$T/stdout" || fail "routes --output"
[ -s "$T/stdout" ] && fail "routes --output also wrote to stdout"
jq -e '.items' "$T/routes.json" >/dev/null || fail "routes --output file is not JSON"
"$GAMMATOP" snapshot -f "$FIX" --output-file "$T/no/such/dir/x.json" >/dev/null 2>"$T/err"
rc=$?; [ $rc -eq 2 ] || fail "snapshot --output to a bad path: exit $rc"
grep -q "no/such/dir/x.json" "$T/err" || fail "the --output error does not name the file"
ok "--help, -o validation, stray arguments and --output"

# The upstream examples, when the shared data is there.
UP="$GT_SHARED/data/gateway-api-v1.6.1/examples"
if [ -d "$UP" ]; then
	check_snapshot "$UP" upstream-examples
	"$GAMMATOP" routes -f "$UP" -o wide >/dev/null 2>&1 || fail "routes on the upstream examples"
	"$GAMMATOP" lint -f "$UP" >/dev/null 2>&1
	rc=$?; [ $rc -le 1 ] || fail "lint on the upstream examples could not run (exit $rc)"
	ok "upstream examples: snapshot, routes and lint run"
else
	echo "# $UP absent: upstream examples not checked"
fi
exit 0
