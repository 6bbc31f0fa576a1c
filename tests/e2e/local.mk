# tests/e2e/local.mk: how the end-to-end shell tests run. Each layer's fragment adds its own
# scripts to TESTS; they find the binaries through the environment set here.
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	GT_BUILDDIR='$(abs_top_builddir)'; GT_SRCDIR='$(abs_top_srcdir)'; \
	GAMMATOP='$(abs_top_builddir)/src/gammatop'; GAMMATOP_SIM='$(abs_top_builddir)/src/gammatop-sim'; \
	GT_SHARED='$(abs_top_srcdir)/../shared'; \
	export GT_BUILDDIR GT_SRCDIR GAMMATOP GAMMATOP_SIM GT_SHARED;
EXTRA_DIST += tests/e2e/lib.sh tests/e2e/tmux-lib.sh tests/fixtures/telemetry

# What every command shares (src/app/main.c, src/app/cmd_common.c): secrets kept out of what is
# printed and dumped, and how output and log files are written.
TESTS += tests/e2e/app-secrets.sh tests/e2e/app-output.sh
EXTRA_DIST += tests/e2e/app-secrets.sh tests/e2e/app-output.sh
# The house's rules (doc/architecture.md): includes follow the layer table, no cycle between
# files (scripts/check-layers, scripts/include-cycles), and both fail on a planted violation.
TESTS += tests/e2e/layers.sh tests/e2e/layers-planted.sh
EXTRA_DIST += tests/e2e/layers.sh tests/e2e/layers-planted.sh scripts/check-layers \
	scripts/include-cycles
# The style of the lines a change adds (scripts/check-format, .clang-format).
TESTS += tests/e2e/format.sh
EXTRA_DIST += tests/e2e/format.sh scripts/check-format .clang-format
TESTS += tests/e2e/ui-soak.sh
EXTRA_DIST += tests/e2e/ui-soak.sh
