/* cmd_complete_scripts.c: `gammatop completion bash|zsh|fish`: the shell scripts that ask
 * `gammatop __complete` (cobra's protocol, see cmd_complete.c) for candidates, and obey its
 * directives (1 error, 2 no space, 4 no file names). They complete gammatop and
 * kubectl-gammatop; `kubectl gammatop <TAB>` goes through kubectl's own completion and
 * kubectl_complete-gammatop instead. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "cmd_complete.h"

static const char bash_script[] =
	"# bash completion for gammatop (and kubectl-gammatop): source <(gammatop completion bash)\n"
	"# Asks 'gammatop __complete WORDS... CURRENT' (cobra's protocol, as kubectl's does).\n"
	"__gammatop_complete() {\n"
	"    local -a words=() lines=() cands=()\n"
	"    local i w cur prog directive n l pre\n"
	"    COMPREPLY=()\n"
	"    # bash splits at '=' and ':' (COMP_WORDBREAKS): glue --flag=value back together\n"
	"    for ((i = 0; i <= COMP_CWORD; i++)); do\n"
	"        w=${COMP_WORDS[i]}\n"
	"        if ((${#words[@]} > 1)) && [[ $w == [=:] || ${words[-1]} == *[=:] ]]; then\n"
	"            words[-1]+=$w\n"
	"        else\n"
	"            words+=(\"$w\")\n"
	"        fi\n"
	"    done\n"
	"    cur=${words[-1]}\n"
	"    prog=${words[0]}\n"
	"    mapfile -t lines < <(\"$prog\" __complete \"${words[@]:1:${#words[@]}-2}\" \"$cur\" 2>/dev/null)\n"
	"    n=${#lines[@]}\n"
	"    ((n > 0)) || return 0\n"
	"    [[ ${lines[n-1]} == :* ]] || return 0\n"
	"    directive=${lines[n-1]#:}\n"
	"    ((directive & 1)) && return 0\n"
	"    for l in \"${lines[@]:0:n-1}\"; do cands+=(\"${l%%$'\\t'*}\"); done\n"
	"    if ((${#cands[@]} == 0)); then\n"
	"        ((directive & 4)) && return 0\n"
	"        compopt -o default 2>/dev/null\n"
	"        return 0\n"
	"    fi\n"
	"    ((directive & 2)) && compopt -o nospace 2>/dev/null\n"
	"    # bash replaces only what follows the last '=' or ':' of the word\n"
	"    pre=${COMP_WORDS[COMP_CWORD]}\n"
	"    pre=${cur%\"$pre\"}\n"
	"    [[ -n $pre ]] && cands=(\"${cands[@]#\"$pre\"}\")\n"
	"    COMPREPLY=(\"${cands[@]}\")\n"
	"}\n"
	"complete -F __gammatop_complete gammatop kubectl-gammatop\n";

static const char zsh_script[] =
	"#compdef gammatop kubectl-gammatop\n"
	"# zsh completion for gammatop: source <(gammatop completion zsh), or put it in $fpath as\n"
	"# _gammatop. Asks 'gammatop __complete WORDS... CURRENT' (cobra's protocol).\n"
	"_gammatop() {\n"
	"    local -a lines cands\n"
	"    local l directive v d\n"
	"    lines=(\"${(@f)$(${words[1]} __complete \"${(@)words[2,CURRENT-1]}\" \"${words[CURRENT]}\" 2>/dev/null)}\")\n"
	"    [[ ${lines[-1]} == :* ]] || return 1\n"
	"    directive=${lines[-1]#:}\n"
	"    (( directive & 1 )) && return 1\n"
	"    for l in \"${(@)lines[1,-2]}\"; do\n"
	"        [[ -z $l ]] && continue\n"
	"        v=${l%%$'\\t'*}; d=''\n"
	"        [[ $l == *$'\\t'* ]] && d=${l#*$'\\t'}\n"
	"        cands+=(\"${v//:/\\\\:}${d:+:$d}\")\n"
	"    done\n"
	"    if (( ${#cands} == 0 )); then\n"
	"        (( directive & 4 )) && return 1\n"
	"        _files\n"
	"        return\n"
	"    fi\n"
	"    if (( directive & 2 )); then _describe 'gammatop' cands -S ''\n"
	"    else _describe 'gammatop' cands; fi\n"
	"}\n"
	"if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _gammatop \"$@\"\n"
	"else compdef _gammatop gammatop kubectl-gammatop; fi\n";

static const char fish_script[] =
	"# fish completion for gammatop: gammatop completion fish | source\n"
	"# Asks 'gammatop __complete WORDS... CURRENT' (cobra's protocol).\n"
	"function __gammatop_complete\n"
	"    set -l args (commandline -opc)\n"
	"    set -l prog $args[1]\n"
	"    set -e args[1]\n"
	"    set -l cur (commandline -ct)\n"
	"    set -l out ($prog __complete $args $cur 2>/dev/null)\n"
	"    test (count $out) -gt 0; or return\n"
	"    set -l directive (string replace -r '^:' '' -- $out[-1])\n"
	"    set -e out[-1]\n"
	"    test (math \"bitand($directive, 1)\") -eq 0; or return\n"
	"    if test (count $out) -eq 0\n"
	"        test (math \"bitand($directive, 4)\") -eq 0; and __fish_complete_path $cur\n"
	"        return\n"
	"    end\n"
	"    printf '%s\\n' $out\n"
	"end\n"
	"complete -c gammatop -f -a '(__gammatop_complete)'\n"
	"complete -c kubectl-gammatop -f -a '(__gammatop_complete)'\n";

int cmd_completion(int argc, char **argv)
{
	struct cmd_opts o;
	int first = cmd_parse(argc, argv, "gammatop completion bash|zsh|fish",
	                      "Print the shell completion script for bash, zsh or fish. It "
	                      "completes commands, flags, kubeconfig contexts, clusters and users, "
	                      "namespaces and route names (asked of the cluster for at most 2 s, "
	                      "else the cache's). Load it with: source <(gammatop completion bash) "
	                      "(bash), source <(gammatop completion zsh) (zsh), gammatop completion "
	                      "fish | source (fish); 'make install' puts them where the shells "
	                      "look.",
	                      NULL, NULL, NULL, &o);
	cmd_opts_done(&o);
	if (first < 0)
		return first == -2 ? 0 : EXIT_USAGE;
	if (first != argc - 1) {
		cmd_error("completion: which shell? bash, zsh or fish (see 'gammatop completion "
		          "--help')");
		return EXIT_USAGE;
	}
	const char *sh = argv[first];
	const char *text = !strcmp(sh, "bash") ? bash_script
	                   : !strcmp(sh, "zsh") ? zsh_script
	                   : !strcmp(sh, "fish") ? fish_script
	                                          : NULL;
	if (!text) {
		cmd_error("completion: unsupported shell '%s' (bash, zsh or fish)", sh);
		return EXIT_USAGE;
	}
	fputs(text, stdout);
	return fflush(stdout) == 0 ? 0 : EXIT_USAGE;
}
