#!/bin/sh
# tests/e2e/export-controls.sh: C1 controls (U+009B CSI, U+0085 NEL), DEL and bidirectional
# controls (U+202E, U+2066-9, U+200F, U+061C) in object names, rule names, hostnames and
# status messages (tests/fixtures/controls) reach no JSON or YAML output raw: snapshot -o
# json|yaml, routes -o json and lint -o json carry them as \uXXXX escapes, and the documents
# decode (jq, a YAML reader) back to exactly the original strings.
. "$GT_SRCDIR/tests/e2e/lib.sh"

[ -x "$GAMMATOP" ] || skip "no gammatop binary"
command -v jq >/dev/null 2>&1 || skip "jq is not installed"
FIX="$GT_SRCDIR/tests/fixtures/controls"

# The raw UTF-8 forms that must never appear (bytes, for grep -F).
C1_CSI=$(printf '\302\233'); C1_NEL=$(printf '\302\205'); DEL=$(printf '\177')
RLO=$(printf '\342\200\256'); LRI=$(printf '\342\201\246'); PDI=$(printf '\342\201\251')
RLM=$(printf '\342\200\217'); ALM=$(printf '\330\234'); FSI=$(printf '\342\201\250')
RLI=$(printf '\342\201\247')
NAME=$(printf 'evil\302\23331m\342\200\256txt.exe\342\201\246x\342\201\251\342\200\217\330\234\302\205\177')

no_raw() { # FILE WHAT
	for c in "$C1_CSI" "$C1_NEL" "$DEL" "$RLO" "$LRI" "$PDI" "$RLM" "$ALM" "$FSI" "$RLI"; do
		if LC_ALL=C grep -qF "$c" "$1"; then
			fail "$2 carries a raw control ($(printf '%s' "$c" | od -An -tx1 | tr -d ' '))"
		fi
	done
}

"$GAMMATOP" snapshot -f "$FIX" -o json >"$T/s.json" 2>"$T/err" || fail "snapshot -o json: $(cat "$T/err")"
no_raw "$T/s.json" "snapshot -o json"
grep -qF 'evil\u009b31m\u202etxt.exe\u2066x\u2069\u200f\u061c\u0085\u007f' "$T/s.json" ||
	fail "snapshot -o json: the name is not escaped as \\uXXXX: $(grep evil "$T/s.json" | head -1)"
[ "$(jq -r '.routes[0].name' "$T/s.json")" = "$NAME" ] || fail "snapshot -o json: the name does not decode back"
jq -e '.routes[0].status.parents[0].conditions[0].message == "bad \u009b[2J parent \u202eoops"
	and .routes[0].rules[0].name == "rule\u2067one"
	and .routes[0].hostnames[0] == "a\u009bb.example.com"' "$T/s.json" >/dev/null ||
	fail "snapshot -o json: message, rule name or hostname do not decode back"
grep -q 'never exported' "$T/s.json" && fail "snapshot exported an annotation"
ok "snapshot -o json: escaped, decodes back"

"$GAMMATOP" snapshot -f "$FIX" -o yaml >"$T/s.yaml" 2>"$T/err" || fail "snapshot -o yaml: $(cat "$T/err")"
no_raw "$T/s.yaml" "snapshot -o yaml"
grep -qF '"evil\u009b31m\u202etxt.exe\u2066x\u2069\u200f\u061c\u0085\u007f"' "$T/s.yaml" ||
	fail "snapshot -o yaml: the name is not escaped: $(grep evil "$T/s.yaml" | head -1)"
if python3 -c 'import yaml' 2>/dev/null; then
	python3 -c 'import sys, json, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)' \
		"$T/s.yaml" >"$T/s.yaml.json" || fail "snapshot -o yaml does not parse"
	jq -S 'del(.generatedAt)' "$T/s.json" >"$T/a"
	jq -S 'del(.generatedAt)' "$T/s.yaml.json" >"$T/b"
	cmp -s "$T/a" "$T/b" || fail "snapshot -o yaml reads back differently from -o json"
	ok "snapshot -o yaml: escaped, reads back as the JSON document"
else
	ok "snapshot -o yaml: escaped (no PyYAML: not read back)"
fi

"$GAMMATOP" routes -f "$FIX" -o json >"$T/r.json" 2>"$T/err" || fail "routes -o json: $(cat "$T/err")"
no_raw "$T/r.json" "routes -o json"
[ "$(jq -r '.items[0].route' "$T/r.json")" = "$NAME" ] || fail "routes -o json: the name does not decode back"
"$GAMMATOP" lint -f "$FIX" -o json >"$T/l.json" 2>"$T/err"
[ $? -le 1 ] || fail "lint -o json: $(cat "$T/err")"
no_raw "$T/l.json" "lint -o json"
jq -e '.findings | length > 0' "$T/l.json" >/dev/null || fail "lint -o json: no findings"
ok "routes -o json and lint -o json: escaped, decode back"

# Tables and stderr: sanitised as before (nothing raw on a terminal).
"$GAMMATOP" routes -f "$FIX" >"$T/r.txt" 2>&1
"$GAMMATOP" lint -f "$FIX" >"$T/l.txt" 2>&1
no_raw "$T/r.txt" "routes"
no_raw "$T/l.txt" "lint"
ok "tables: nothing raw"
