#!/bin/sh
# tests/e2e/cache-readonly.sh: a cache that cannot be written, and one from a newer gammatop.
#   read-only (file 0400 in a 0500 directory; run as user nobody when the test runs as root,
#     who could write anyway): `history` still lists the audit log and says the cache is
#     read-only; `set` still applies but says the change is not recorded and why.
#   newer schema: `history` reads it in place; a writing command (`set`) sets it aside, says
#     where it went and how to read it, and `history --cache THAT` lists the old rows.
. "$GT_SRCDIR/tests/e2e/lib.sh"
command -v jq >/dev/null || skip "jq not installed"
command -v curl >/dev/null || skip "curl not installed"
[ -x "$GAMMATOP_SIM" ] || skip "gammatop-sim not built"

start_sim --demo --kubeconfig-out "$T/kc"
R="$SIM_URL/apis/gateway.networking.k8s.io/v1/namespaces/checkout/httproutes/checkout"
req() { curl -sf "$R" | jq -r '.spec.rules[0].timeouts.request'; }
D="$T/c"
mkdir -p "$D"
gt() { timeout 60 $AS "$GAMMATOP" "$@" --kubeconfig "$T/kc" </dev/null; }
AS=""
gt set checkout/checkout --timeouts-request 8s --yes --cache "$D/cache.db" >/dev/null 2>&1 ||
	fail "the first set failed"

# ---- read-only.
if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null || skip "root, and no setpriv to run as nobody"
	AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
	chmod 711 "$T"
	chmod 644 "$T/kc"
	chown -R 65534:65534 "$D"
fi
chmod 0400 "$D/cache.db"
chmod 0500 "$D"
gt history -o json --cache "$D/cache.db" >"$T/h.json" 2>"$T/h.err" || { cat "$T/h.err"; fail "history on a read-only cache exited $?"; }
jq -e 'length == 1 and .[0].result == "applied"' "$T/h.json" >/dev/null || { cat "$T/h.json"; fail "history did not list the log"; }
grep -q "is read-only" "$T/h.err" || { cat "$T/h.err"; fail "history did not say the cache is read-only"; }
ok "read-only cache: history still reads it ($(head -c 100 "$T/h.err"))"
gt set checkout/checkout --timeouts-request 9s --yes --cache "$D/cache.db" >"$T/s.out" 2>"$T/s.err" ||
	{ cat "$T/s.out" "$T/s.err"; fail "set on a read-only cache exited $?"; }
[ "$(req)" = 9s ] || fail "set did not apply"
grep -q "is read-only.*changes will not be recorded" "$T/s.err" || { cat "$T/s.err"; fail "set did not say the change goes unrecorded"; }
grep -q "this change is not in the audit log" "$T/s.err" || { cat "$T/s.err"; fail "set did not warn at the apply"; }
ok "read-only cache: set applies and says it is not recorded"
chmod 0700 "$D"
chmod 0600 "$D/cache.db"
AS=""

# ---- a cache from a newer gammatop.
if ! command -v sqlite3 >/dev/null 2>&1; then
	ok "(newer-schema part skipped: no sqlite3 command)"
	exit 0
fi
[ "$(id -u)" = 0 ] && chown -R 0:0 "$D"
sqlite3 "$D/cache.db" "ALTER TABLE audit ADD COLUMN flavour TEXT; PRAGMA user_version = 99;" ||
	fail "sqlite3"
gt history -o json --cache "$D/cache.db" >"$T/n.json" 2>"$T/n.err" || { cat "$T/n.err"; fail "history on a newer cache exited $?"; }
jq -e 'length == 1' "$T/n.json" >/dev/null || fail "history did not read the newer cache"
grep -q "written by a newer gammatop" "$T/n.err" || { cat "$T/n.err"; fail "history did not say the cache is newer"; }
[ -f "$D/cache.db" ] && [ -z "$(ls "$D" | grep newer)" ] || fail "history set the newer cache aside"
gt set checkout/checkout --timeouts-request 10s --yes --cache "$D/cache.db" >"$T/s2.out" 2>"$T/s2.err" ||
	{ cat "$T/s2.err"; fail "set beside a newer cache exited $?"; }
aside=$(sed -n "s/.*'gammatop history --cache \([^']*\)'.*/\1/p" "$T/s2.err")
[ -n "$aside" ] && [ -f "$aside" ] || { cat "$T/s2.err"; fail "set did not say where the newer cache went and how to read it"; }
gt history -o json --cache "$aside" >"$T/a.json" 2>/dev/null || fail "history --cache $aside exited $?"
jq -e 'length == 1 and (.[0].after | tostring | test("8s"))' "$T/a.json" >/dev/null ||
	{ cat "$T/a.json"; fail "the set-aside audit log does not read"; }
gt history -o json --cache "$D/cache.db" | jq -e 'length == 1 and (.[0].after | tostring | test("10s"))' >/dev/null ||
	fail "the new cache does not have the new change"
ok "newer cache: set aside with 'gammatop history --cache $(basename "$aside")', which still reads it"
