#!/bin/sh
# changes-timetravel.sh: time travel and the postmortem diff. While `gammatop watch` records
# the demo cluster, a snapshot is taken (T1); then a route's timeout and a Service's port are
# changed. `snapshot --at T1` rebuilt from the journal equals the snapshot taken at T1 (but
# for generatedAt and the kinds' lastHeard), in JSON and in YAML; `diff` of the T1 snapshot
# and now (a file against a time, two times, two files) shows exactly those changes, by
# category; -o json and -o yaml-diff say the same; exit 0 for no difference, 1 for
# differences, 2 for what cannot be compared. Needs curl and jq.
. "$GT_SRCDIR/tests/e2e/lib.sh"
command -v jq >/dev/null || skip "jq not installed"
command -v curl >/dev/null || skip "curl not installed"
[ -x "$GAMMATOP_SIM" ] || skip "gammatop-sim not built"

start_sim --demo --kubeconfig-out "$T/kc"
gt() { timeout 60 "$GAMMATOP" "$@" --kubeconfig "$T/kc" --cache "$T/cache.db" </dev/null; }
API="$SIM_URL/apis/gateway.networking.k8s.io/v1"

"$GAMMATOP" watch -o none --kubeconfig "$T/kc" --cache "$T/cache.db" 2>"$T/watch.err" &
gt_track $!
wait_for "gt changes --no-events >/dev/null 2>'$T/c.err' && ! grep -q 'no change journal' '$T/c.err'" 20 ||
	fail "the journal was not started: $(cat "$T/watch.err" "$T/c.err")"
sleep 1

gt snapshot -o json >"$T/t1.json" || fail "snapshot at T1"
gt snapshot -o yaml >"$T/t1.yaml" || fail "snapshot -o yaml at T1"
T1=$(jq -r .generatedAt "$T/t1.json")
sleep 1.5
curl -sf -X PATCH -H 'Content-Type: application/merge-patch+json' -H 'User-Agent: ops-script/2.0' \
	"$API/namespaces/inventory/httproutes/inventory" \
	-d '{"spec":{"rules":[{"backendRefs":[{"name":"inventory","port":8080}],"timeouts":{"request":"150ms"}}]}}' \
	>/dev/null || fail "patch the route"
wait_for "gt changes inventory/inventory --no-events -o json | jq -e '.items[0].summary | contains(\"150ms\")'" 15 ||
	fail "the change was not recorded"
sleep 1

# snapshot --at T1 is the snapshot taken at T1
norm() { jq 'del(.generatedAt) | del(.source.kinds[].lastHeard)' "$1"; }
gt snapshot --at "$T1" -o json >"$T/at.json" 2>"$T/at.err" || fail "snapshot --at $T1: $(cat "$T/at.err")"
norm "$T/t1.json" >"$T/a"
norm "$T/at.json" >"$T/b"
diff "$T/a" "$T/b" >"$T/d" || fail "snapshot --at $T1 differs from the snapshot taken then: $(head -30 "$T/d")"
[ "$(jq -r .generatedAt "$T/at.json")" = "$T1" ] || fail "generatedAt of --at: $(jq -r .generatedAt "$T/at.json")"
ok "snapshot --at T1 equals the snapshot taken at T1 (generatedAt and lastHeard aside)"
gt snapshot --at "$T1" -o yaml >"$T/at.yaml" || fail "snapshot --at -o yaml"
grep -v -e '^generatedAt:' -e 'lastHeard:' "$T/t1.yaml" >"$T/a"
grep -v -e '^generatedAt:' -e 'lastHeard:' "$T/at.yaml" >"$T/b"
diff "$T/a" "$T/b" >/dev/null || fail "the YAML of snapshot --at differs"
ok "the same in YAML"

# diff: exactly that change
gt diff "$T/t1.json" now >"$T/diff.txt" 2>"$T/diff.err"
[ $? = 1 ] || fail "diff of two different states did not exit 1: $(cat "$T/diff.txt" "$T/diff.err")"
grep -c . "$T/diff.txt" >/dev/null
[ "$(sed -n '3,$p' "$T/diff.txt" | grep -c .)" = 1 ] ||
	fail "diff shows more than the change: $(cat "$T/diff.txt")"
grep -q '^policy  *httproute/inventory/inventory  *rules\[0\]\.timeouts\.request 300ms → 150ms$' "$T/diff.txt" ||
	fail "diff: $(cat "$T/diff.txt")"
ok "diff T1-snapshot now: exactly the timeout change, as policy"
gt diff "$T1" now -o json >"$T/diff.json"
[ $? = 1 ] || fail "diff of two times did not exit 1"
jq -e '.differences | length == 1 and .[0].category == "policy" and .[0].old == "300ms" and .[0].new == "150ms"' \
	"$T/diff.json" >/dev/null || fail "diff -o json: $(cat "$T/diff.json")"
jq -e '.counts == {"policy": 1}' "$T/diff.json" >/dev/null || fail "diff counts: $(jq -c .counts "$T/diff.json")"
ok "diff of two times, -o json: the same one change"
gt diff "$T/t1.yaml" now -o yaml-diff >"$T/ud" 2>&1
[ $? = 1 ] || fail "yaml-diff exit"
grep -q '^--- a/httproute/inventory/inventory$' "$T/ud" && grep -q '^-    request: 300ms$' "$T/ud" &&
	grep -q '^+    request: 150ms$' "$T/ud" || fail "yaml-diff: $(cat "$T/ud")"
ok "diff -o yaml-diff: a unified diff of the route's YAML"

# a Service's port: topology (and attachment where it breaks a backend)
curl -sf -X PATCH -H 'Content-Type: application/merge-patch+json' \
	"$SIM_URL/api/v1/namespaces/inventory/services/inventory" \
	-d '{"spec":{"ports":[{"name":"http","port":9090,"protocol":"TCP","targetPort":8080}]}}' \
	>/dev/null || fail "patch the service"
wait_for "gt changes service/inventory/inventory --no-events -o json | jq -e '.items | length > 0'" 15 ||
	fail "the Service change was not recorded"
sleep 1
gt diff "$T1" now -o json >"$T/diff2.json"
jq -e '[.differences[] | select(.object == "service/inventory/inventory" and .category == "topology")] | length > 0' \
	"$T/diff2.json" >/dev/null || fail "no topology change of the Service: $(jq -c '.differences' "$T/diff2.json")"
jq -e '[.differences[] | select(.object == "httproute/inventory/inventory" and .category == "attachment")] | length > 0' \
	"$T/diff2.json" >/dev/null || fail "the route's broken backend is no attachment change: $(jq -c '.differences' "$T/diff2.json")"
ok "diff: a Service's port as topology, the route's unresolved backend as attachment"

# exit codes: 0 the same, 2 what cannot be compared
gt diff "$T/t1.json" "$T1" >"$T/same" 2>&1
[ $? = 0 ] || fail "the same state did not exit 0: $(cat "$T/same")"
grep -q '^no difference$' "$T/same" || fail "no 'no difference': $(cat "$T/same")"
echo '{"kind":"Other"}' >"$T/other.json"
gt diff "$T/other.json" now >/dev/null 2>"$T/bad.err"
[ $? = 2 ] || fail "a file that is no snapshot did not exit 2"
grep -q 'is not a gammatop snapshot' "$T/bad.err" || fail "bad file message: $(cat "$T/bad.err")"
gt diff 2001-01-01T00:00:00Z now >/dev/null 2>"$T/old.err"
[ $? = 2 ] || fail "a time before the journal did not exit 2"
grep -q 'begins at' "$T/old.err" || fail "before the journal: $(cat "$T/old.err")"
gt snapshot --at yesterday-ish >/dev/null 2>"$T/bad2.err" && fail "a bad --at was accepted"
grep -q "is not a time" "$T/bad2.err" || fail "bad --at message: $(cat "$T/bad2.err")"
ok "diff exits 0 for no difference, 2 for a file that is no snapshot or a time before the journal"
