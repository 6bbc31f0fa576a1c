#!/bin/sh
# tests/e2e/ui-edit.sh: edit a route rule's policy in the real console (private tmux server,
# 160x45) against gammatop-sim's demo world: routes table -> select inventory's rule -> e ->
# an invalid request timeout (1.5s) shows its message and cannot be sent -> 2s -> diff and
# merge patch -> Enter: server dry-run (nothing changes) -> y: applied; the sim's object has
# it (curl+jq) and the topology shows it once the watch event is back; :history lists it and
# u reverts it (itself recorded). Then a concurrent change (curl) between read and apply
# gives a conflict with the meanwhile diff, and "re-apply on top" keeps the other change; E
# edits the whole route in $EDITOR (a script: private 0600 file holding only the route);
# --readonly refuses visibly; on a standard-channel CRD a retry change is refused after the
# dry-run, before applying, and ^A writes Linkerd's route annotations instead (the demo is
# Linkerd: the form warns that it ignores the retry field). No sanitizer reports on stderr.
# Bounded in time; the tmux servers are always killed.
# GT_CAPTURE_DIR=DIR keeps the screen captures (form, preview, verdict, topology, history).
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/tmux-lib.sh"
command -v jq >/dev/null 2>&1 || skip "jq not installed"
command -v curl >/dev/null 2>&1 || skip "curl not installed"
[ -x "$GAMMATOP" ] || skip "no gammatop binary at $GAMMATOP"
[ -x "$GAMMATOP_SIM" ] || skip "gammatop-sim not built"

tmux_init ui-edit 15

start_sim --demo --kubeconfig-out "$T/kc"
R="$SIM_URL/apis/gateway.networking.k8s.io/v1/namespaces/inventory/httproutes/inventory"
req() { curl -sf "$R" | jq -r '.spec.rules[0].timeouts.request'; }
[ "$(req)" = 300ms ] || fail "the demo's inventory route does not start at 300ms: $(req)"

# The "editor" for E: notes the file's mode and whether anything but the route is in it,
# then changes the request timeout.
cat > "$T/editor.sh" <<EOF
#!/bin/sh
stat -c '%a' "\$1" > "$T/ed.mode"
stat -c '%a' "\$(dirname "\$1")" >> "$T/ed.mode"
grep -ci 'token' "\$1" > "$T/ed.secrets"
grep -c '^kind: HTTPRoute' "\$1" > "$T/ed.kinds"
sed -i 's/request: 3s/request: 4s/' "\$1"
EOF
chmod +x "$T/editor.sh"

cat > "$T/run.sh" <<EOF
#!/bin/sh
cd "$T"
TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 EDITOR="$T/editor.sh" KUBE_EDITOR= \
  "$GAMMATOP" console --kubeconfig "$T/kc" --cache "$T/cache.db" --no-telemetry \$2 2>"$T/stderr.\$1"
echo "exit=\$?" > "$T/exit.\$1"
sleep 120
EOF
chmod +x "$T/run.sh"

$TMUX_CMD new-session -d -x 160 -y 45 "$T/run.sh main" || fail "cannot start tmux"

expect "API synced" "first sync"
expect "HTTPRoute shop/storefront" "topology"

# Routes table, the inventory rule, e.
keys 2
keys / "^inventory +inventory +0" Enter
expect "filter /" "filter"
keys e
expect "edit httproute/inventory/inventory rule 0" "the form"
grep -q "request  *300ms_ *current" "$T/screen" || { cat "$T/screen"; fail "form lacks the current value"; }
grep -q "NAMESPACE" "$T/screen" || fail "the form covers the whole screen (routes table gone)"
keep form
ok "e opens the inline form over the routes table"

# An invalid duration: the message next to the field, and it cannot be sent.
keys C-u 1.5s
expect "fractions are not allowed" "validation as you type"
grep -q "request  *1.5s_ *x timeouts.request is not a valid duration" "$T/screen" ||
	{ cat "$T/screen"; fail "the message is not next to the request field"; }
keep invalid
keys Enter
expect "fix the errors first" "refusal"
[ "$(req)" = 300ms ] || fail "an invalid value reached the server"
ok "1.5s: message next to the field, nothing sent"

keys C-u 2s
expect "+      request: 2s" "diff"
grep -q "^ *-      request: 300ms" "$T/screen" || fail "diff lacks the old value"
expect "merge patch" "patch"
grep -q '"resourceVersion":"' "$T/screen" || fail "the patch lacks the resourceVersion"
keep preview
ok "preview: diff and merge patch"

keys Enter
expect "dry-run passed" "dry-run"
[ "$(req)" = 300ms ] || fail "the dry-run changed the object"
keep verdict
ok "dry-run verdict shown, nothing changed"

keys y
expect "applied httproute/inventory/inventory rule 0" "apply"
[ "$(req)" = 2s ] || fail "the sim's object was not changed: $(req)"
keep applied
ok "applied: the sim's object has request 2s"

keys 1
keys / "inventory" Enter
expect "HTTPRoute inventory/inventory.*⏱ 2s" "topology after the watch event"
keep topology
ok "the topology shows the new value"

# :history lists it; u reverts it (dry-run, y), itself recorded.
keys : history Enter
expect "t=300ms -> t=2s" "history"
grep -q "#1 .*httproute/inventory/invent.*applied" "$T/screen" || { cat "$T/screen"; fail "history row"; }
keep history
keys g u
expect "undo #1: httproute/inventory/inventory" "undo panel"
expect "dry-run passed" "undo dry-run"
keys y
expect "undone by #2" "undo recorded"
grep -q "undo of #1" "$T/screen" || fail "the undo is not marked as an undo"
[ "$(req)" = 300ms ] || fail "undo did not restore 300ms: $(req)"
keep history-undo
ok ":history lists the change and u reverts it"

# Conflict: someone else changes the route between the form's read and the apply.
keys Escape
keys 2
keys / "^inventory +inventory +0" Enter
keys e
expect "edit httproute/inventory/inventory rule 0" "form again"
keys C-u 3s
expect "+      request: 3s" "diff 3s"
curl -sf -X PATCH -H 'Content-Type: application/merge-patch+json' \
	--data '{"metadata":{"annotations":{"team":"by-curl"}}}' "$R" >/dev/null ||
	fail "the concurrent change failed"
keys Enter
expect "CONFLICT" "conflict"
expect "changed meanwhile" "meanwhile diff"
grep -q "+ *team: by-curl" "$T/screen" || { cat "$T/screen"; fail "the meanwhile diff lacks the other change"; }
keep conflict
keys y
expect "applied httproute/inventory/inventory rule 0" "re-apply on top"
curl -sf "$R" | jq -e '.spec.rules[0].timeouts.request == "3s" and .metadata.annotations.team == "by-curl"' >/dev/null ||
	fail "re-apply lost something: $(curl -sf "$R" | jq -c '{a: .metadata.annotations, t: .spec.rules[0].timeouts}')"
ok "conflict: meanwhile diff shown, re-applied on top, the other change kept"

# E: the whole route in $EDITOR.
keys E
expect "edit httproute/inventory/inventory (whole route)" "E"
expect "+      request: 4s" "E diff"
expect "dry-run passed" "E dry-run"
[ "$(sed -n 1p "$T/ed.mode")" = 600 ] || fail "the editor's file is not 0600"
[ "$(sed -n 2p "$T/ed.mode")" = 700 ] || fail "the editor's directory is not 0700"
[ "$(cat "$T/ed.secrets")" = 0 ] || fail "the editor's file mentions a token"
[ "$(cat "$T/ed.kinds")" = 1 ] || fail "the editor's file is not one HTTPRoute"
keep editor
keys y
expect "applied httproute/inventory/inventory (whole route)" "E apply"
[ "$(req)" = 4s ] || fail "E did not apply: $(req)"
ls "$T"/gammatop-edit-* >/dev/null 2>&1 && fail "the editor's private directory was left behind"
ok "E: private 0600 file, diff, dry-run, apply"

keys q
wait_for "[ -f '$T/exit.main' ]" 10 || fail "q did not quit"
grep -q "exit=0" "$T/exit.main" || fail "console exit: $(cat "$T/exit.main")"

# --readonly: visibly refused.
$TMUX_CMD kill-server 2>/dev/null
tmux_server ro # a server of its own: the first may still be exiting
$TMUX_CMD new-session -d -x 160 -y 45 "$T/run.sh ro --readonly" || fail "cannot start the read-only console"
expect "API synced" "readonly console"
keys 2
keys e
expect "read-only console (--readonly): editing is disabled" "readonly"
keys : history Enter
expect "history (read-only)" "readonly history"
[ "$(req)" = 4s ] || fail "something changed in read-only mode"
ok "--readonly disables editing visibly"
keys : q Enter
wait_for "[ -f '$T/exit.ro' ]" 10 || fail "q did not quit the read-only console"

# A standard-channel CRD (no retry field): said after the dry-run, before anything is
# applied. The demo is Linkerd: the form warns that Linkerd ignores the retry field, and ^A
# writes Linkerd's own route annotations instead, which apply.
start_sim --demo --channel standard --kubeconfig-out "$T/kc"
R="$SIM_URL/apis/gateway.networking.k8s.io/v1/namespaces/inventory/httproutes/inventory"
rv0=$(curl -sf "$R" | jq -r .metadata.resourceVersion)
$TMUX_CMD kill-server 2>/dev/null
tmux_server std
$TMUX_CMD new-session -d -x 160 -y 45 "$T/run.sh std" || fail "cannot start the third console"
expect "API synced" "standard-channel console"
keys 2
keys / "^inventory +inventory +0" Enter
keys e
expect "edit httproute/inventory/inventory rule 0" "form (standard)"
keys Tab Tab 2
expect "+      attempts: 2" "retry diff"
grep -q "Linkerd ignores the Gateway API retry field" "$T/screen" || fail "no Linkerd warning"
keys Enter
expect "has no" "standard channel"
grep -q "dry-run refused, nothing applied" "$T/screen" || fail "the refusal does not say nothing was applied"
tr -d '\n' < "$T/screen" | grep -q "standard channel" || fail "the refusal does not name the standard channel"
[ "$(curl -sf "$R" | jq -r .metadata.resourceVersion)" = "$rv0" ] || fail "the route changed"
keep standard
ok "standard channel: retry refused after the dry-run, before applying"
keys Escape
keys C-a
expect "(as Linkerd annotations)" "annotation mode"
keys 2
expect "+    retry.linkerd.io/limit: '2'" "annotation diff"
keys Enter
expect "dry-run passed" "annotation dry-run"
keep linkerd
keys y
expect "applied httproute/inventory/inventory rule 0" "annotation apply"
curl -sf "$R" | jq -e '.metadata.annotations["retry.linkerd.io/limit"] == "2"' >/dev/null ||
	fail "the Linkerd annotation was not applied"
ok "Linkerd: warned about the retry field, ^A applied retry.linkerd.io/limit"
keys q
wait_for "[ -f '$T/exit.std' ]" 10 || fail "q did not quit"

# The consoles (built with sanitizers in CI) said nothing bad on stderr.
for f in "$T"/stderr.*; do
	grep -Eq "runtime error|AddressSanitizer|LeakSanitizer" "$f" && { cat "$f"; fail "sanitizer report in $f"; }
done
ok "no sanitizer reports"
exit 0
