# src/app/local.mk: the app layer: the gammatop binary (main.c dispatches, one cmd_<name>.c per
# subcommand, cmd_common.c what they share); knows every layer below it.
bin_PROGRAMS += src/gammatop
src_gammatop_SOURCES = src/app/main.c src/app/cmd.h src/app/commands.h src/app/cmd_common.c \
	src/app/cmd_source.h src/app/cmd_source.c \
	src/app/cmd_figures.h src/app/cmd_figures.c src/app/cmd_export.h src/app/cmd_export.c \
	src/app/cmd_snapshot.c src/app/cmd_routes.c src/app/cmd_lint.c \
	src/app/cmd_watch.c src/app/cmd_top.c \
	src/app/cmd_console.h src/app/cmd_console.c src/app/cmd_demo.c \
	src/app/cmd_set.c src/app/cmd_history.c src/app/cmd_edit.h src/app/cmd_edit.c \
	src/app/recorder.h src/app/recorder.c src/app/podsource.h src/app/podsource.c src/app/cmd_journal.h src/app/cmd_journal.c \
	src/app/cmd_changes.c src/app/cmd_diff.c
src_gammatop_LDADD = $(GT_ALL_LDADD)

# The change journal, time travel and postmortem diffs (issue 16): against the sim, real kubectl.
CHANGES_E2E = tests/e2e/changes-kubectl.sh tests/e2e/changes-timetravel.sh \
	tests/e2e/changes-suspects.sh tests/e2e/changes-events.sh
TESTS += $(CHANGES_E2E)
EXTRA_DIST += $(CHANGES_E2E)
