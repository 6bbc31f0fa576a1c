# src/app/local.mk: the app layer: the gammatop binary (main.c dispatches, one cmd_<name>.c per
# subcommand, cmd_common.c what they share); knows every layer below it.
bin_PROGRAMS += src/gammatop
src_gammatop_SOURCES = src/app/main.c src/app/cmd.h src/app/commands.h src/app/cmd_common.c \
	src/app/cmd_flags.h src/app/cmd_flags.c \
	src/app/cmd_complete.h src/app/cmd_complete.c src/app/cmd_complete_scripts.c \
	src/app/cmd_source.h src/app/cmd_source.c \
	src/app/cmd_figures.h src/app/cmd_figures.c src/app/cmd_export.h src/app/cmd_export.c \
	src/app/cmd_snapshot.c src/app/cmd_routes.c src/app/cmd_lint.c \
	src/app/cmd_watch.c src/app/cmd_top.c \
	src/app/cmd_console.h src/app/cmd_console.c src/app/cmd_demo.c \
	src/app/cmd_set.c src/app/cmd_history.c src/app/cmd_edit.h src/app/cmd_edit.c \
	src/app/recorder.h src/app/recorder.c src/app/podsource.h src/app/podsource.c src/app/cmd_journal.h src/app/cmd_journal.c \
	src/app/cmd_changes.c src/app/cmd_diff.c src/app/cmd_paths.c
src_gammatop_LDADD = $(GT_ALL_LDADD)

# The change journal, time travel and postmortem diffs (issue 16): against the sim, real kubectl.
CHANGES_E2E = tests/e2e/changes-kubectl.sh tests/e2e/changes-timetravel.sh \
	tests/e2e/changes-suspects.sh tests/e2e/changes-events.sh
TESTS += $(CHANGES_E2E)
EXTRA_DIST += $(CHANGES_E2E)

# The call-chain view (issue 17): `paths` and lint on the sim's demo chain.
TESTS += tests/e2e/paths-demo.sh
EXTRA_DIST += tests/e2e/paths-demo.sh

# kubectl's command line (issue 14): the pflag-compatible parser and its value parsers.
check_PROGRAMS += tests/unit/test_cmd_flags
TESTS += tests/unit/test_cmd_flags
tests_unit_test_cmd_flags_SOURCES = tests/unit/test_cmd_flags.c src/app/cmd_flags.c
tests_unit_test_cmd_flags_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/app
tests_unit_test_cmd_flags_LDADD = $(UTIL_UNIT_LDADD)

# kubectl's plugin names (issue 14): kubectl runs kubectl-gammatop for `kubectl gammatop ...`
# and kubectl_complete-gammatop for its completion; both are gammatop (main.c looks at its
# name). Made beside the binary in the build tree, and installed as links beside it.
GT_KUBECTL_NAMES = kubectl-gammatop kubectl_complete-gammatop
src/kubectl-gammatop src/kubectl_complete-gammatop: src/gammatop$(EXEEXT)
	$(AM_V_GEN)rm -f $@ && cd src && $(LN_S) gammatop$(EXEEXT) `basename $@`
CLEANFILES += src/kubectl-gammatop src/kubectl_complete-gammatop

# The completion scripts, as `gammatop completion SHELL` prints them, installed where bash
# (bash-completion), zsh and fish look for them.
completion/gammatop.bash: src/gammatop$(EXEEXT)
	$(AM_V_GEN)$(MKDIR_P) completion && src/gammatop$(EXEEXT) completion bash > $@.tmp && mv $@.tmp $@
completion/_gammatop: src/gammatop$(EXEEXT)
	$(AM_V_GEN)$(MKDIR_P) completion && src/gammatop$(EXEEXT) completion zsh > $@.tmp && mv $@.tmp $@
completion/gammatop.fish: src/gammatop$(EXEEXT)
	$(AM_V_GEN)$(MKDIR_P) completion && src/gammatop$(EXEEXT) completion fish > $@.tmp && mv $@.tmp $@
GT_COMPLETIONS = completion/gammatop.bash completion/_gammatop completion/gammatop.fish
CLEANFILES += $(GT_COMPLETIONS)
bashcompletiondir = $(datadir)/bash-completion/completions
zshcompletiondir = $(datadir)/zsh/site-functions
fishcompletiondir = $(datadir)/fish/vendor_completions.d

all-local: src/kubectl-gammatop src/kubectl_complete-gammatop $(GT_COMPLETIONS)

install-exec-hook:
	$(MKDIR_P) $(DESTDIR)$(bindir)
	cd $(DESTDIR)$(bindir) && for n in $(GT_KUBECTL_NAMES); do \
	  rm -f $$n && $(LN_S) gammatop$(EXEEXT) $$n || exit 1; done

install-data-local: $(GT_COMPLETIONS)
	$(MKDIR_P) $(DESTDIR)$(bashcompletiondir) $(DESTDIR)$(zshcompletiondir) \
	  $(DESTDIR)$(fishcompletiondir)
	$(INSTALL_DATA) completion/gammatop.bash $(DESTDIR)$(bashcompletiondir)/gammatop
	cd $(DESTDIR)$(bashcompletiondir) && rm -f kubectl-gammatop && $(LN_S) gammatop kubectl-gammatop
	$(INSTALL_DATA) completion/_gammatop $(DESTDIR)$(zshcompletiondir)/_gammatop
	$(INSTALL_DATA) completion/gammatop.fish $(DESTDIR)$(fishcompletiondir)/gammatop.fish

uninstall-local:
	for n in $(GT_KUBECTL_NAMES); do rm -f $(DESTDIR)$(bindir)/$$n; done
	rm -f $(DESTDIR)$(bashcompletiondir)/gammatop $(DESTDIR)$(bashcompletiondir)/kubectl-gammatop \
	  $(DESTDIR)$(zshcompletiondir)/_gammatop $(DESTDIR)$(fishcompletiondir)/gammatop.fish

# The command line as kubectl users type it (issue 14): completion (bash driven as bash does,
# cobra's protocol, real kubectl's plugin completion), the flags, and make install.
APP_CLI_E2E = tests/e2e/app-completion.sh tests/e2e/app-cli.sh tests/e2e/app-install.sh
TESTS += $(APP_CLI_E2E)
EXTRA_DIST += $(APP_CLI_E2E)

# Fuzz target: the command-line parser and its value parsers.
check_PROGRAMS += tests/fuzz/fuzz_cmdflags
TESTS += tests/fuzz/fuzz_cmdflags
tests_fuzz_fuzz_cmdflags_SOURCES = tests/fuzz/fuzz_cmdflags.c src/app/cmd_flags.c $(FUZZ_MAIN)
tests_fuzz_fuzz_cmdflags_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/app
tests_fuzz_fuzz_cmdflags_LDADD = $(GT_UTIL_LDADD)
tests_fuzz_fuzz_cmdflags_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
