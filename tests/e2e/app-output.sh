#!/bin/sh
# tests/e2e/app-output.sh: what every command does with its output and log.
#  - --log FILE works for every command (it used to be opened by console and watch only).
#  - --output FILE never leaves a 0-byte or partial file: a write that fails (here: past
#    RLIMIT_FSIZE, "File too large") keeps the old file byte for byte, creates no new one and
#    leaves no temporary file; a good write replaces the file and keeps its mode.
#  - A reader that goes away (`| head`) ends snapshot, routes, lint and watch quietly: their
#    usual exit status (not 141, not 2), nothing on stderr.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/kube-lib.sh"
command -v jq >/dev/null 2>&1 || skip "jq is not installed"
FIX="$GT_SRCDIR/tests/fixtures/manifests"

# 1. --log for every command (some then fail for want of a cluster or an audit entry: the
# log is opened first, so it still has the command's line).
export XDG_CACHE_HOME="$T/cache"
for cmd in snapshot routes lint top history undo set watch console; do
	case $cmd in
	snapshot | routes | lint) args="-f $FIX" ;;
	top) args="--offline" ;;
	history) args="" ;;
	undo) args="1 --yes" ;;
	set) args="httproute/shop/nope --timeouts-request 3s --kubeconfig $T/none" ;;
	watch) args="--kubeconfig $T/none" ;;
	console) args="-f $FIX --dump-screen" ;;
	esac
	GAMMATOP_HEADLESS=80x10 timeout 60 "$GAMMATOP" $cmd $args --log "$T/$cmd.log" \
		>/dev/null 2>"$T/$cmd.err" </dev/null
	grep -q "info gammatop .*: $cmd\$" "$T/$cmd.log" 2>/dev/null ||
		fail "$cmd --log: no log written ($(cat "$T/$cmd.err" | head -2))"
done
"$GAMMATOP" lint -f "$FIX" --log "$T/no/such/dir/log" >/dev/null 2>"$T/err"
rc=$?; [ $rc -eq 2 ] || fail "an unwritable --log: exit $rc"
grep -q "cannot open log $T/no/such/dir/log" "$T/err" || fail "unwritable --log: $(cat "$T/err")"
ok "--log works for every command; an unwritable one is an error (exit 2)"

# 2. --output: atomic. A large document (300 routes) and a 64 KiB file size limit.
for i in $(seq 1 300); do
	printf 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r%d, namespace: default}\nspec:\n  parentRefs: [{name: gw}]\n  rules:\n  - backendRefs: [{name: svc%d, port: 80}]\n---\n' "$i" "$i"
done >"$T/big.yaml"
mkdir "$T/out"
echo '{"old": true}' >"$T/out/old.json"
chmod 640 "$T/out/old.json"
sum=$(cksum <"$T/out/old.json")
for fmt in json yaml; do
	for f in old.json new.json; do
		rc=0
		(ulimit -f 64; exec "$GAMMATOP" snapshot -f "$T/big.yaml" -o $fmt --output-file "$T/out/$f") \
			2>"$T/err" || rc=$?
		[ $rc -eq 2 ] || fail "snapshot -o $fmt to a file too large: exit $rc"
		case $f in old.json) what="left as it was" ;; *) what="not created" ;; esac
		grep -q "error writing $T/out/$f: File too large; $T/out/$f was $what" "$T/err" ||
			fail "snapshot -o $fmt: $(cat "$T/err")"
	done
	[ "$(cksum <"$T/out/old.json")" = "$sum" ] || fail "-o $fmt: the old file was changed by a failed write"
	[ ! -e "$T/out/new.json" ] || fail "-o $fmt: a failed write left a new file ($(wc -c <"$T/out/new.json") bytes)"
	[ "$(ls -A "$T/out")" = "old.json" ] || fail "-o $fmt: files left behind: $(ls -A "$T/out")"
done
"$GAMMATOP" snapshot -f "$T/big.yaml" --output-file "$T/out/old.json" 2>"$T/err" || fail "snapshot --output: $(cat "$T/err")"
jq -e '.routes | length == 300' "$T/out/old.json" >/dev/null 2>&1 || fail "the good write did not replace the file"
[ "$(stat -c %a "$T/out/old.json")" = 640 ] || fail "the file's mode changed: $(stat -c %a "$T/out/old.json")"
[ "$(ls -A "$T/out")" = "old.json" ] || fail "files left behind: $(ls -A "$T/out")"
ok "--output: a failed write keeps the old file and leaves nothing; a good one replaces it (mode kept)"

# 3. A reader that goes away. The outputs are far larger than a pipe's buffer, so the
# writer meets the closed pipe for certain ($T/rc: the left side's exit status).
quiet() { # WHAT WANT-STATUS
	rc=$(cat "$T/rc")
	[ "$rc" = "$2" ] || fail "$1 | head: exit $rc, expected $2 ($(head -3 "$T/err"))"
	[ ! -s "$T/err" ] || fail "$1 | head: stderr is not quiet: $(head -3 "$T/err")"
}
for cmd in "snapshot -o json" "snapshot -o yaml" "routes" "routes -o json" "lint -o json"; do
	{ "$GAMMATOP" $cmd -f "$T/big.yaml" 2>"$T/err"; echo $? >"$T/rc"; } | head -c 100 >/dev/null
	case $cmd in lint*) want=1 ;; *) want=0 ;; esac # (lint: every route lacks its Gateway)
	quiet "$cmd" $want
done
start_sim --generate namespaces=4,gateways=1,services=40,routes=2000
kube_kubeconfig "$T/kc"
{ timeout 60 "$GAMMATOP" watch --kubeconfig "$T/kc" -o json --for 50s 2>"$T/err"; echo $? >"$T/rc"; } |
	head -1 >"$T/first"
quiet "watch -o json" 0
jq -e '.type == "ADDED"' "$T/first" >/dev/null || fail "watch | head -1: $(cat "$T/first")"
ok "| head: snapshot, routes, lint and watch end quietly with their usual status"
