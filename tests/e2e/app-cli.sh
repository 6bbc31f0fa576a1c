#!/bin/sh
# app-cli.sh: gammatop's command line reads as kubectl's (issue 14): pflag's value and bool
# forms, flags anywhere, "--", no abbreviations; -o/--output FORMAT and --output-file, with
# the old habits (--format, --output FILE) refused with a hint; COMMAND --help (own options
# first, a short global block, nothing the command does not use); set's --timeouts-* options
# apart from kubectl's --request-timeout (kubectl durations); -v N; the man page documents
# every flag of every command's table; and kubectl's global flags reach the wire as kubectl
# sends them (a logging probe on 127.0.0.1 in front of the simulator, kubectl 1.32 beside).
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/kube-lib.sh"
FIX=$GT_SRCDIR/tests/fixtures/manifests
G() { "$GAMMATOP" "$@"; }

# -o json, -ojson, -o=json, --output json, --output=json: one document; flags anywhere
G routes -f "$FIX" -o json >"$T/ref.json" 2>/dev/null || fail "routes -o json"
jq -e '.items | length > 0' "$T/ref.json" >/dev/null || fail "routes -o json: no items"
for form in "-ojson" "-o=json" "--output json" "--output=json" "--output_file=/dev/stdout -o json"; do
	# shellcheck disable=SC2086
	G routes $form -f "$FIX" >"$T/f.json" 2>/dev/null || fail "routes $form"
	cmp -s "$T/ref.json" "$T/f.json" || fail "routes $form differs from -o json"
done
# options before the command, as kubectl takes `kubectl -n NS get ...`
G -f "$FIX" -o json routes >"$T/f.json" 2>/dev/null || fail "gammatop -f FIX -o json routes"
cmp -s "$T/ref.json" "$T/f.json" || fail "options before the command: another document"
ok "-o json = -ojson = -o=json = --output json = --output=json ('_' reads as '-'); options before the command"

# bool flags: --flag, --flag=false, -A=false; not a separate word; shorthands combine
G lint -f "$FIX" -o json >"$T/l1" 2>/dev/null; rc1=$?
G lint --codes=false -f "$FIX" -o json >"$T/l2" 2>/dev/null; rc2=$?
[ "$rc1" = "$rc2" ] && cmp -s "$T/l1" "$T/l2" || fail "lint --codes=false is not lint"
G lint --codes -o json >"$T/codes" 2>/dev/null || fail "lint --codes"
cmp -s "$T/codes" "$T/l1" && fail "lint --codes printed the findings"
G lint --codes=maybe 2>"$T/err" && fail "--codes=maybe accepted"
grep -q 'invalid argument "maybe" for "--codes=maybe"' "$T/err" || fail "--codes=maybe: $(cat "$T/err")"
G routes -f "$FIX" -A=false -o json >/dev/null 2>&1 || fail "-A=false"
ok "bool flags: --codes=false is off, --codes=maybe refused: $(cat "$T/err")"

# "--" ends the flags; no abbreviations; unknown flags name themselves
G lint -f "$FIX" -- -o json 2>"$T/err" && fail "'-- -o' was read as a flag"
grep -q "unexpected argument '-o'" "$T/err" || fail "after --: $(cat "$T/err")"
G routes --manif "$FIX" 2>"$T/err" && fail "--manif was taken for --manifests"
grep -q "routes: unknown flag: --manif (see 'gammatop routes --help')" "$T/err" || fail "--manif: $(cat "$T/err")"
ok "-- ends the flags; no abbreviations: $(cat "$T/err")"

# old habits: --format, --output FILE
G routes -f "$FIX" --format json 2>"$T/err" && fail "--format accepted"
grep -q 'unknown flag: --format; the output format is -o/--output FORMAT, as in kubectl' "$T/err" ||
	fail "--format: $(cat "$T/err")"
(cd "$T" && G routes -f "$FIX" --output routes.json 2>"$T/err") && fail "--output routes.json accepted"
grep -q "did you mean --output-file routes.json?" "$T/err" || fail "--output FILE: $(cat "$T/err")"
[ -e "$T/routes.json" ] && fail "--output routes.json wrote a file"
G routes -f "$FIX" -o json --output-file "$T/routes.json" >"$T/stdout" 2>/dev/null || fail "--output-file"
cmp -s "$T/routes.json" "$T/ref.json" && [ ! -s "$T/stdout" ] || fail "--output-file: not the document"
ok "--format and --output FILE refused with a hint ($(cat "$T/err")); --output-file writes"

# COMMAND --help: the command's own first, what it uses, a short global block
G lint --help >"$T/help" || fail "lint --help"
first=$(sed -n '/^Options:/{n;p;q}' "$T/help")
case $first in *--codes*) ;; *) fail "lint --help: first option is not lint's own: $first" ;; esac
grep -q -- '--theme' "$T/help" && fail "lint --help lists --theme"
grep -q -- '--prometheus' "$T/help" && fail "lint --help lists --prometheus"
sed -n '/^Global options/,$p' "$T/help" | grep -q -- '-s/--server' || fail "lint --help: no global block"
G set --help >"$T/shelp" || fail "set --help"
grep -q -- '--timeouts-request DURATION' "$T/shelp" && grep -q -- '--timeouts-backend-request' "$T/shelp" ||
	fail "set --help: no --timeouts-* options"
G --help | grep -q '^  completion ' || fail "gammatop --help lists no completion command"
ok "lint --help: $(echo $first | cut -c1-40)... first, no --theme, a global block"

# set: --request-timeout is kubectl's, the rule's are --timeouts-request/--timeouts-backend-request
G set shop/x --request-timeout 2s --kubeconfig /nonexistent 2>"$T/err" && fail "set with only --request-timeout"
grep -q 'nothing to change.*--request-timeout is the time-out of the requests to the API server' "$T/err" ||
	fail "set --request-timeout: $(cat "$T/err")"
G set shop/x --backend-timeout 2s 2>"$T/err" && fail "--backend-timeout accepted"
grep -q -- '--timeouts-backend-request' "$T/err" || fail "--backend-timeout: no hint: $(cat "$T/err")"
ok "set: --request-timeout alone changes nothing and says why; --backend-timeout points to --timeouts-backend-request"

# --request-timeout takes kubectl's forms; -v N logs
for v in 5 5s 1m 250ms 0 1m30s; do
	G lint -f "$FIX" --request-timeout "$v" >/dev/null 2>"$T/err" || [ $? = 1 ] ||
		fail "--request-timeout $v: $(cat "$T/err")"
done
for v in -1 5x soon; do
	G lint -f "$FIX" --request-timeout="$v" >/dev/null 2>"$T/err" && fail "--request-timeout $v accepted"
	grep -q "is not a time-out" "$T/err" || fail "--request-timeout $v: $(cat "$T/err")"
done
G routes -f "$FIX" -v 4 >/dev/null 2>"$T/err" || fail "routes -v 4"
grep -q ' info gammatop .*: routes$' "$T/err" || fail "-v 4 logged nothing to stderr: $(cat "$T/err")"
G routes -f "$FIX" --v=0 >/dev/null 2>"$T/err" || fail "routes --v=0"
grep -q ' info ' "$T/err" && fail "--v=0 logged information"
G -f "$FIX" --dump-screen -v 2 >/dev/null 2>"$T/err" && fail "console -v without --log"
grep -q 'console owns the terminal: give --log FILE' "$T/err" || fail "console -v: $(cat "$T/err")"
ok "--request-timeout 5|5s|1m|250ms|0|1m30s taken, -1|5x|soon refused; -v 4 logs to stderr, --v=0 less"

# the man page documents every flag of every command's table, and every command
man=$GT_SRCDIR/doc/gammatop.1
G __flags >"$T/flags" || fail "__flags"
[ "$(wc -l <"$T/flags")" -gt 50 ] || fail "__flags lists only $(wc -l <"$T/flags") flags"
python3 - "$man" "$T/flags" <<'EOF_PY' || fail "gammatop.1 does not document: $(cat "$T/missing")"
import re, sys
man = open(sys.argv[1]).read()
missing = []
for line in open(sys.argv[2]):
    cmd, flag = line.split()
    esc = flag.replace("-", "\\-")   # troff writes --flag as \-\-flag
    if not re.search(re.escape(esc) + r"(?![a-z0-9]|\\-)", man):
        missing.append(cmd + " " + flag)
open(sys.argv[2] + ".missing", "w").write(" ".join(missing))
sys.exit(1 if missing else 0)
EOF_PY
mv "$T/flags.missing" "$T/missing" 2>/dev/null
for c in $(G --help | sed -n 's/^  \([a-z]*\) .*/\1/p'); do
	grep -q "^\.B $c\b\|^\.B $c \|^\.B $c$" "$man" || fail "gammatop.1 has no entry for the command $c"
done
ok "gammatop.1 documents all $(wc -l <"$T/flags") flags (__flags) and every command"

# kubectl's global flags on the wire: what kubectl 1.32 and gammatop send through a probe
KUBECTL=/usr/lib/google-cloud-sdk/bin/kubectl.1.32
[ -x "$KUBECTL" ] || KUBECTL=$(command -v kubectl) || { ok "kubectl not installed: wire comparison skipped"; exit 0; }
# TLS: kubectl sends no credentials to an http:// server (clientcmd reads the user's auth
# only when the transport is TLS); the probe serves the sim's own certificate.
kube_start_sim sim --demo --tls "$T/tls" --token tok-admin
python3 "$GT_SRCDIR/tests/e2e/kube-probe.py" "$T/probe.log" "$SIM_URL" --lifetime 100 \
	--tls "$T/tls/server.crt" "$T/tls/server.key" --ca "$T/tls/ca.crt" \
	>"$T/probe.out" 2>"$T/probe.err" &
gt_track $!
wait_for "grep -q '^probe ' '$T/probe.out'" 10 || { cat "$T/probe.err" >&2; fail "probe did not start"; }
PROBE=$(sed -n 's/^probe //p' "$T/probe.out")
# a kubeconfig whose context says nothing useful: the flags must carry it all
# (its other cluster and user entries are what --cluster and --user pick)
cat >"$T/kc" <<EOK
apiVersion: v1
kind: Config
current-context: elsewhere
clusters: [{name: elsewhere, cluster: {server: "http://127.0.0.1:9"}},
           {name: probe, cluster: {server: "$PROBE", certificate-authority: "$T/tls/ca.crt"}}]
contexts: [{name: elsewhere, context: {cluster: elsewhere, user: nobody}}]
users: [{name: nobody, user: {token: wrong-token}}, {name: admin, user: {token: tok-admin}}]
EOK
# headers NAME...: the distinct logged headers of the requests in the probe log since line $1
# (Accept-Encoding only when $2 is "ae": gammatop's curl and Go's transport word it alike only
# since kconn's change; --disable-compression is about it)
headers() {
	tail -n +"$1" "$T/probe.log" | cut -f2- | tr '\t' '\n' |
		{ if [ "${2:-}" = ae ]; then cat; else grep -v '^Accept-Encoding'; fi; } | LC_ALL=C sort -u
}
flags="--server $PROBE --certificate-authority $T/tls/ca.crt --token tok-admin --request-timeout 10s"
: >>"$T/probe.log"
n0=$(($(wc -l <"$T/probe.log") + 1))
# shellcheck disable=SC2086
"$KUBECTL" --kubeconfig "$T/kc" $flags get httproutes -A -o name >"$T/k.out" 2>"$T/k.err" ||
	fail "kubectl $flags: $(cat "$T/k.err")"
headers "$n0" >"$T/k.h"
n1=$(($(wc -l <"$T/probe.log") + 1))
# shellcheck disable=SC2086
G routes --kubeconfig "$T/kc" $flags -A -o json >"$T/g.json" 2>"$T/g.err" || fail "gammatop $flags: $(cat "$T/g.err")"
headers "$n1" >"$T/g.h"
[ -s "$T/k.h" ] || fail "kubectl sent no logged header: $(tail -3 "$T/probe.log")"
cmp -s "$T/k.h" "$T/g.h" || fail "headers differ: kubectl [$(cat "$T/k.h" | tr '\n' ' ')] gammatop [$(cat "$T/g.h" | tr '\n' ' ')]"
[ "$(jq ".items | map(select(.kind == \"HTTPRoute\") | .namespace + \"/\" + .route) | unique | length" "$T/g.json")" = "$(wc -l <"$T/k.out")" ] || { echo "$(jq -c ".items[0]" "$T/g.json") $(wc -l <"$T/k.out")" >&2;
	fail "gammatop --server/--token: not the routes kubectl lists"; }
ok "--server/--certificate-authority/--token/--request-timeout: gammatop sends what kubectl sends ($(tr '\n' ' ' <"$T/g.h" | sed 's/Bearer [^ ]*/Bearer .../'))"

# compare FLAGS...: kubectl and gammatop with these flags list the same routes and send the
# same Authorization and Impersonate-* headers.
compare() {
	n0=$(($(wc -l <"$T/probe.log") + 1))
	"$KUBECTL" --kubeconfig "$T/kc" "$@" get httproutes -A -o name >"$T/k.out" 2>"$T/k.err" ||
		fail "kubectl $*: $(cat "$T/k.err")"
	headers "$n0" >"$T/k.h"
	n1=$(($(wc -l <"$T/probe.log") + 1))
	G routes --kubeconfig "$T/kc" "$@" -A -o json >"$T/g.json" 2>"$T/g.err" || fail "gammatop $*: $(cat "$T/g.err")"
	headers "$n1" >"$T/g.h"
	cmp -s "$T/k.h" "$T/g.h" ||
		fail "$*: headers differ: kubectl [$(tr '\n' ' ' <"$T/k.h")] gammatop [$(tr '\n' ' ' <"$T/g.h")]"
	[ "$(jq ".items | map(select(.kind == \"HTTPRoute\") | .namespace + \"/\" + .route) | unique | length" "$T/g.json")" = "$(wc -l <"$T/k.out")" ] ||
		fail "$*: gammatop does not list the routes kubectl lists"
}
compare --cluster probe --user admin
ok "--cluster probe --user admin: the kubeconfig's other entries, as kubectl picks them"
compare --server "$PROBE" --insecure-skip-tls-verify --token tok-admin
ok "--insecure-skip-tls-verify (no CA): as kubectl"

# sent FLAGS...: the same headers, Accept-Encoding included, whether or not the server
# allows what the flags ask (an impersonated user the sim's RBAC does not know)
sent() {
	n0=$(($(wc -l <"$T/probe.log") + 1))
	"$KUBECTL" --kubeconfig "$T/kc" "$@" get httproutes -n shop -o name >/dev/null 2>&1
	headers "$n0" ae >"$T/k.h"
	n1=$(($(wc -l <"$T/probe.log") + 1))
	G lint --kubeconfig "$T/kc" "$@" -n shop >/dev/null 2>&1
	headers "$n1" ae >"$T/g.h"
	[ -s "$T/k.h" ] || fail "$*: kubectl sent nothing"
	cmp -s "$T/k.h" "$T/g.h" ||
		fail "$*: sent headers differ: kubectl [$(tr '\n' ' ' <"$T/k.h")] gammatop [$(tr '\n' ' ' <"$T/g.h")]"
}
sent --cluster probe --user admin --as alice --as-group team-a --as-group team-b --as-uid u-1
grep -q '^Impersonate-Group: team-b$' "$T/g.h" && grep -q '^Impersonate-Uid: u-1$' "$T/g.h" ||
	fail "--as-group/--as-uid not sent: $(tr '\n' ' ' <"$T/g.h")"
ok "--as/--as-group (twice)/--as-uid: $(grep -c '^Impersonate' "$T/g.h") Impersonate-* headers, as kubectl sends them"
sent --cluster probe --user admin --disable-compression
grep -q '^Accept-Encoding' "$T/g.h" && fail "--disable-compression: Accept-Encoding sent"
sent --cluster probe --user admin
ok "--disable-compression: no Accept-Encoding; without it: $(grep '^Accept-Encoding' "$T/g.h"), as kubectl"
