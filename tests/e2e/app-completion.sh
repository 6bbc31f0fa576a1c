#!/bin/sh
# app-completion.sh: shell completion as kubectl does it (issue 14): the bash script from
# `gammatop completion bash` registers itself (`complete -p`) and, driven as bash drives it
# (COMP_WORDS/COMP_CWORD), completes commands, flags, -o formats, --flag=value, contexts from
# the kubeconfig, namespaces and routes from the simulator, and the routes again from the
# cache when the cluster does not answer within its 2 s bound; cobra's __complete protocol
# directly (directives); and through real kubectl 1.32: `kubectl gammatop` runs
# kubectl-gammatop, and kubectl's own completion asks kubectl_complete-gammatop.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/kube-lib.sh"
command -v bash >/dev/null || skip "bash not installed"
B=$GT_BUILDDIR/src
[ -x "$B/kubectl_complete-gammatop" ] || fail "the build made no kubectl_complete-gammatop"

"$GAMMATOP" completion bash >"$T/gammatop.bash" || fail "completion bash"
for sh in zsh fish; do
	"$GAMMATOP" completion $sh >"$T/c.$sh" && [ -s "$T/c.$sh" ] || fail "completion $sh"
	command -v $sh >/dev/null && { $sh -n "$T/c.$sh" || fail "$sh: the script does not parse"; }
done
"$GAMMATOP" completion tcsh >/dev/null 2>"$T/err" && fail "completion tcsh was accepted"
grep -q "unsupported shell 'tcsh'" "$T/err" || fail "completion tcsh: $(cat "$T/err")"

# complete WORD...: run the bash completion for the line "gammatop WORD..." (the last word
# is completed; bash's own splitting at '=' done as bash does it) and print COMPREPLY sorted.
cat >"$T/drive.bash" <<'EOS'
set -u
. "$1"; shift
{ complete -p gammatop && complete -p kubectl-gammatop; } | tr '\n' ';' || exit 3
echo
line="gammatop $*"
# bash splits the line at spaces and at COMP_WORDBREAKS' '=' (kept as its own word)
COMP_WORDS=(gammatop)
for w in "$@"; do
	if [[ $w == *=* ]]; then COMP_WORDS+=("${w%%=*}" "=" ); [[ -n ${w#*=} ]] && COMP_WORDS+=("${w#*=}")
	else COMP_WORDS+=("$w"); fi
done
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE=$line; COMP_POINT=${#line}
__gammatop_complete
printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort
EOS
complete_line() { PATH="$B:$PATH" bash "$T/drive.bash" "$T/gammatop.bash" "$@"; }

out=$(complete_line ro) || fail "the script did not register: $out"
[ "$(echo "$out" | head -1)" = "complete -F __gammatop_complete gammatop;complete -F __gammatop_complete kubectl-gammatop;" ] ||
	fail "complete -p: $(echo "$out" | head -1)"
[ "$(echo "$out" | sed 1d)" = routes ] || fail "'gammatop ro': $(echo "$out" | sed 1d)"
ok "complete -p registers gammatop and kubectl-gammatop; 'gammatop ro<TAB>' gives routes"

c() { complete_line "$@" | sed 1d | tr '\n' ' '; }
[ "$(c routes -o '')" = "json table wide " ] || fail "routes -o: $(c routes -o '')"
[ "$(c snapshot --output=y)" = "yaml " ] || fail "snapshot --output=y: $(c snapshot --output=y)"
[ "$(c lint --output-f)" = "--output-file " ] || fail "lint --output-f: $(c lint --output-f)"
[ "$(c set --timeouts-b)" = "--timeouts-backend-request " ] || fail "set --timeouts-b: $(c set --timeouts-b)"
[ "$(c completion '')" = "bash fish zsh " ] || fail "completion: $(c completion '')"
[ "$(c --theme solar)" = "solarized-dark " ] || fail "--theme solar: $(c --theme solar)"
ok "formats (-o '', --output=y), flags of the command, shells, themes"

# contexts, clusters, users: names from the kubeconfig files ($KUBECONFIG merged)
cat >"$T/kc1" <<'EOK'
apiVersion: v1
kind: Config
clusters: [{name: east, cluster: {server: "https://127.0.0.1:1"}}]
contexts: [{name: prod-east, context: {cluster: east, user: u1}}, {name: staging, context: {cluster: east, user: u1}}]
users: [{name: u1, user: {token: secret-token-not-printed}}]
EOK
cat >"$T/kc2" <<'EOK'
apiVersion: v1
kind: Config
contexts: [{name: prod-west, context: {cluster: west, user: u2}}, {name: staging, context: {cluster: west, user: u2}}]
EOK
got=$(KUBECONFIG="$T/kc1:$T/kc2" c --context prod)
[ "$got" = "prod-east prod-west " ] || fail "--context prod: $got"
got=$(c --kubeconfig "$T/kc1" --context '')
[ "$got" = "prod-east staging " ] || fail "--kubeconfig kc1 --context: $got"
got=$(c lint --kubeconfig "$T/kc1" --user '')
[ "$got" = "u1 " ] || fail "--user: $got"
PATH="$B:$PATH" gammatop __complete --kubeconfig "$T/kc1" --user '' 2>&1 | grep -q secret-token &&
	fail "a token reached the completion output"
ok "contexts (merged from \$KUBECONFIG, once each), users; no credential printed"

# cobra's protocol itself: candidates, ':DIRECTIVE', the directive named on stderr
"$GAMMATOP" __complete routes --kubeconfig '' >"$T/p.out" 2>"$T/p.err"
[ "$(tail -1 "$T/p.out")" = ":0" ] || fail "--kubeconfig: want file names (:0): $(cat "$T/p.out")"
grep -q 'Completion ended with directive: ShellCompDirectiveDefault' "$T/p.err" || fail "stderr: $(cat "$T/p.err")"
"$GAMMATOP" __complete l >"$T/p.out" 2>/dev/null
[ "$(cat "$T/p.out")" = "$(printf 'lint\treport configuration problems; exit 1 when any is an error\n:4')" ] ||
	fail "__complete l: $(cat "$T/p.out")"
ok "__complete: 'value<TAB>description' lines and :4 (no files), :0 for file flags"

# namespaces and routes from the simulator
kube_start_sim sim --demo
kube_kubeconfig "$T/kc"
kube_sim_list | awk '$1 == "HTTPRoute" { print $2 }' | LC_ALL=C sort | tr '\n' ' ' >"$T/routes.want"
[ -s "$T/routes.want" ] || fail "the demo sim lists no HTTPRoute"
got=$(c set --kubeconfig "$T/kc" --cache "$T/cache.db" '')
[ "$got" = "$(cat "$T/routes.want")" ] || fail "set <TAB>: '$got', want '$(cat "$T/routes.want")'"
curl -sf "$SIM_URL/api/v1/namespaces" | jq -r '.items[].metadata.name' | LC_ALL=C sort | tr '\n' ' ' >"$T/ns.want"
got=$(c lint --kubeconfig "$T/kc" -n '')
[ "$got" = "$(cat "$T/ns.want")" ] || fail "-n <TAB>: '$got', want '$(cat "$T/ns.want")'"
ok "set <TAB>: the sim's $(wc -w <"$T/routes.want") routes; -n <TAB>: its namespaces"

# The cluster stops answering: at most ~2 s, then what the cache saw (the console stores it).
GAMMATOP_HEADLESS=120x40 GAMMATOP_KEYS="<Sync>" timeout 60 "$GAMMATOP" --kubeconfig "$T/kc" --cache "$T/cache.db" --no-telemetry \
	--dump-screen >/dev/null 2>"$T/console.err" ||
	fail "console --dump-screen: $(cat "$T/console.err")"
kube_admin "faults?latencyMs=600000" || fail "latency on"
start=$(date +%s%N)
got=$(timeout 20 sh -c 'PATH="$1:$PATH" bash "$2" "$3" set --kubeconfig "$4" --cache "$5" ""' _ \
	"$B" "$T/drive.bash" "$T/gammatop.bash" "$T/kc" "$T/cache.db" | sed 1d | tr '\n' ' ')
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$got" = "$(cat "$T/routes.want")" ] || fail "set <TAB> with a silent cluster: '$got' (after $ms ms)"
ok "a silent cluster: the cached routes after $ms ms (bound 2000 ms)"
kube_admin "faults?latencyMs=0" || fail "latency off"

# kubectl's plugin: kubectl-gammatop beside gammatop, and kubectl's completion of it
KUBECTL=/usr/lib/google-cloud-sdk/bin/kubectl.1.32
[ -x "$KUBECTL" ] || KUBECTL=$(command -v kubectl) || { ok "kubectl not installed: plugin part skipped"; exit 0; }
v=$(PATH="$B:$PATH" "$KUBECTL" gammatop version) || fail "kubectl gammatop version"
[ "$v" = "$("$GAMMATOP" version)" ] || fail "kubectl gammatop version: $v"
PATH="$B:$PATH" "$KUBECTL" gammatop routes --kubeconfig "$T/kc" -o json >"$T/k.json" 2>"$T/k.err" ||
	fail "kubectl gammatop routes: $(cat "$T/k.err")"
jq -e '.items | length > 0' "$T/k.json" >/dev/null || fail "kubectl gammatop routes -o json: no items"
PATH="$B:$PATH" "$KUBECTL" __complete gammatop ro >"$T/kp.out" 2>/dev/null
grep -q '^routes' "$T/kp.out" && [ "$(tail -1 "$T/kp.out")" = ":4" ] ||
	fail "kubectl __complete gammatop ro: $(cat "$T/kp.out")"
PATH="$B:$PATH" "$KUBECTL" __complete gammatop set --kubeconfig "$T/kc" "" 2>/dev/null |
	grep -v '^:' | LC_ALL=C sort | tr '\n' ' ' >"$T/kp.routes"
[ "$(cat "$T/kp.routes")" = "$(cat "$T/routes.want")" ] || fail "kubectl gammatop set <TAB>: $(cat "$T/kp.routes")"
ok "$("$KUBECTL" version --client 2>/dev/null | head -1): kubectl gammatop version/routes; its completion asks kubectl_complete-gammatop"
