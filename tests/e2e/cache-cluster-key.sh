#!/bin/sh
# tests/e2e/cache-cluster-key.sh: the cache files topology and telemetry by cluster, not by
# context name. Two sims with different worlds, each with a kubeconfig whose context is
# named "gammatop-sim", share one cache: a console and `top` against each fill it; then the
# offline console shows each cluster's own URL and routes, `top --offline` and `snapshot
# --offline` each cluster's own figures, never the other's (before, the second cluster's
# save replaced the first's, and --offline showed one cluster's URL with another's routes).
# A cache of an older schema keeps its context-keyed topology only under a legacy key that an
# offline console uses with a warning.
. "$GT_SRCDIR/tests/e2e/lib.sh"
command -v jq >/dev/null || skip "jq not installed"
[ -x "$GAMMATOP_SIM" ] || skip "gammatop-sim not built"

start_sim --demo --kubeconfig-out "$T/kcA"
A_URL=$SIM_URL
start_sim --generate namespaces=2,gateways=1,services=3,routes=4,seed=7 --kubeconfig-out "$T/kcB"
B_URL=$SIM_URL
grep -q 'current-context: gammatop-sim' "$T/kcA" && grep -q 'current-context: gammatop-sim' "$T/kcB" ||
	fail "the two kubeconfigs do not share their context name"
gt() { _kc=$1; shift; timeout 90 "$GAMMATOP" "$@" --kubeconfig "$T/kc$_kc" --cache "$T/cache.db" </dev/null; }
screen() { _kc=$1; _keys=$2; shift 2; GAMMATOP_HEADLESS=200x60 LANG=C.UTF-8 LC_ALL=C.UTF-8 \
	GAMMATOP_KEYS="$_keys" gt "$_kc" console --no-telemetry --dump-screen "$@" 2>"$T/console.err"; }

# Each console caches its cluster's topology when it quits; top records each one's figures.
screen A '<Sync>' >/dev/null || { cat "$T/console.err"; fail "console A"; }
screen B '<Sync>' >/dev/null || { cat "$T/console.err"; fail "console B"; }
gt A top --sample 2 -o json >"$T/topA.json" 2>"$T/top.err" || { cat "$T/top.err"; fail "top A"; }
gt B top --sample 2 -o json >"$T/topB.json" 2>"$T/top.err" || { cat "$T/top.err"; fail "top B"; }

# The offline console: each cluster's URL and routes.
screen A '2' --offline >"$T/offA" || { cat "$T/offA" "$T/console.err"; fail "offline console A"; }
screen B '2' --offline >"$T/offB" || { cat "$T/offB" "$T/console.err"; fail "offline console B"; }
grep -q "storefront" "$T/offA" || { cat "$T/offA"; fail "offline A lacks A's routes"; }
grep -q "api-1" "$T/offA" && { cat "$T/offA"; fail "offline A shows B's routes"; }
grep -q "api-1" "$T/offB" || { cat "$T/offB"; fail "offline B lacks B's routes"; }
grep -q "storefront" "$T/offB" && { cat "$T/offB"; fail "offline B shows A's routes"; }
grep -q "${A_URL#http://}" "$T/offA" || { cat "$T/offA"; fail "offline A does not show A's server"; }
grep -q "${B_URL#http://}" "$T/offB" || { cat "$T/offB"; fail "offline B does not show B's server"; }
ok "offline console: each context named gammatop-sim shows its own server and routes"

# top --offline: each cluster's figures (B's were recorded last: before, both got B's).
gt A top --offline -o json >"$T/offtopA.json" 2>"$T/offtop.err" || { cat "$T/offtop.err"; fail "top --offline A"; }
grep -q "source scrape $A_URL" "$T/offtop.err" || { cat "$T/offtop.err"; fail "top --offline A read another source"; }
# (the demo mesh is Linkerd, which measures Service-parent routes only: A's mesh route
# inventory/inventory, not its Gateway route storefront)
jq -e '[.routes[].route] | any(test("inventory/inventory")) and (any(test("api-1")) | not)' "$T/offtopA.json" >/dev/null ||
	{ cat "$T/offtopA.json"; fail "top --offline A shows the wrong cluster's figures"; }
gt B top --offline -o json >"$T/offtopB.json" 2>"$T/offtop.err" || { cat "$T/offtop.err"; fail "top --offline B"; }
jq -e '[.routes[].route] | any(test("api-1")) and (any(test("inventory/inventory")) | not)' "$T/offtopB.json" >/dev/null ||
	{ cat "$T/offtopB.json"; fail "top --offline B shows the wrong cluster's figures"; }
ok "top --offline: each cluster's own figures"

# snapshot --offline: the live objects with this cluster's figures from the cache.
gt A snapshot -o json --offline >"$T/snapA.json" 2>"$T/snap.err" || { cat "$T/snap.err"; fail "snapshot A"; }
jq -e '.telemetry | tostring | test("inventory/inventory")' "$T/snapA.json" >/dev/null ||
	{ jq .telemetry "$T/snapA.json"; fail "snapshot --offline A lacks A's figures"; }
jq -e '.telemetry | tostring | test("api-1") | not' "$T/snapA.json" >/dev/null ||
	fail "snapshot --offline A has B's figures"
ok "snapshot --offline: A's figures with A's objects"

# An older cache (schema 3, topology by context name): migrated, its row is used by an
# offline console only with a warning, and never for a cluster that has its own.
if command -v sqlite3 >/dev/null 2>&1; then
	[ -n "$(sqlite3 "$T/cache.db" "SELECT at_ms FROM topology WHERE cluster = '$B_URL'")" ] ||
		fail "no topology row keyed by B's server"
	# Schema 3 made from ours: the audit columns of schema 4 dropped, topology by context.
	sqlite3 "$T/cache.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
	cp "$T/cache.db" "$T/old.db"
	sqlite3 "$T/cache.db" "SELECT json FROM topology WHERE cluster = '$B_URL'" > "$T/b.json"
	sqlite3 "$T/old.db" "DROP INDEX audit_result; ALTER TABLE audit DROP COLUMN cluster;
		ALTER TABLE audit DROP COLUMN rule_key; ALTER TABLE audit DROP COLUMN base_rv;
		ALTER TABLE audit DROP COLUMN base_gen; ALTER TABLE audit DROP COLUMN new_rv;
		ALTER TABLE audit DROP COLUMN owner; DROP TABLE topology;
		DROP TABLE journal; DROP TABLE journal_head; DROP TABLE journal_clusters;
		CREATE TABLE topology (context TEXT PRIMARY KEY, at_ms INTEGER NOT NULL, json TEXT NOT NULL);
		INSERT INTO topology VALUES ('gammatop-sim', 1000, readfile('$T/b.json'));
		PRAGMA user_version = 3;" || fail "sqlite3: cannot make a schema 3 cache"
	GAMMATOP_HEADLESS=200x60 GAMMATOP_KEYS='2' timeout 60 "$GAMMATOP" console --offline \
		--dump-screen --no-telemetry --kubeconfig "$T/kcA" --cache "$T/old.db" >"$T/legacy" \
		2>"$T/legacy.err" </dev/null || { cat "$T/legacy.err"; fail "offline console on an old cache"; }
	grep -q "saved by an older gammatop that filed it by context name only" "$T/legacy.err" ||
		{ cat "$T/legacy.err"; fail "no warning for a context-keyed topology"; }
	grep -q "api-1" "$T/legacy" || { cat "$T/legacy"; fail "the legacy topology was not shown"; }
	[ "$(sqlite3 "$T/old.db" "PRAGMA user_version")" = "$(sqlite3 "$T/cache.db" "PRAGMA user_version")" ] ||
		fail "the old cache was not migrated"
	# Once A's console has saved A's own, the legacy row is gone: no cluster shows it again.
	GAMMATOP_HEADLESS=200x60 GAMMATOP_KEYS='<Sync>' timeout 60 "$GAMMATOP" console --dump-screen \
		--no-telemetry --kubeconfig "$T/kcA" --cache "$T/old.db" >/dev/null 2>&1 </dev/null
	[ "$(sqlite3 "$T/old.db" "SELECT count(*) FROM topology WHERE cluster LIKE 'context:%'")" = 0 ] ||
		fail "the legacy topology row survived A's own save"
	ok "an old context-keyed topology: migrated under a legacy key, used offline only with a warning, dropped once the cluster's own is saved"
fi
