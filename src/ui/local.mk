# src/ui/local.mk: the ui layer (console screen, themes, views), its tests, themes and goldens.
noinst_LIBRARIES += src/ui/libgtui.a
src_ui_libgtui_a_SOURCES = \
	src/ui/theme.c include/gammatop/theme.h \
	src/ui/screen.c include/gammatop/screen.h \
	src/ui/keys.c include/gammatop/keys.h \
	src/ui/grid.c include/gammatop/grid.h \
	src/ui/figfmt.c include/gammatop/figfmt.h \
	src/ui/uirows.c include/gammatop/uirows.h \
	src/ui/view.c src/ui/views.c include/gammatop/view.h \
	src/ui/chrome.c include/gammatop/chrome.h \
	src/ui/console.c include/gammatop/console.h \
	src/ui/figsrc.c include/gammatop/figsrc.h \
	src/ui/view_topology.c src/ui/view_routes.c src/ui/view_route.c \
	src/ui/route_recent.c include/gammatop/route_recent.h src/ui/console_at.c src/ui/view_paths.c \
	src/ui/view_findings.c src/ui/view_help.c
nodist_src_ui_libgtui_a_SOURCES = src/ui/theme_default.c src/ui/theme_builtin.c
CLEANFILES += src/ui/theme_default.c src/ui/theme_builtin.c

# The default theme is compiled in from themes/default.theme (through the same parser).
src/ui/theme_default.c: $(top_srcdir)/themes/default.theme
	$(AM_V_GEN)$(MKDIR_P) src/ui && { \
	  echo '/* Generated from themes/default.theme by src/ui/local.mk: do not edit. */'; \
	  echo 'const char theme_default_text[] = {'; \
	  od -An -v -tx1 < $(top_srcdir)/themes/default.theme | \
	    sed -e 's/  */ /g' -e 's/^ //' -e 's/ *$$//' -e '/^$$/d' -e 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0x00 };'; } > $@.tmp && mv $@.tmp $@

# The other shipped themes are compiled in too, so that --theme NAME works from the build
# tree and wherever the binary is copied (the installed files stay for reading and copying).
GT_BUILTIN_THEMES = light high-contrast solarized-dark monochrome
src/ui/theme_builtin.c: $(top_srcdir)/themes/light.theme $(top_srcdir)/themes/high-contrast.theme \
		$(top_srcdir)/themes/solarized-dark.theme $(top_srcdir)/themes/monochrome.theme
	$(AM_V_GEN)$(MKDIR_P) src/ui && { \
	  echo '/* Generated from themes/NAME.theme by src/ui/local.mk: do not edit. */'; \
	  echo '#include <stddef.h>'; \
	  for t in $(GT_BUILTIN_THEMES); do \
	    echo "static const char theme_`echo $$t | tr - _`[] = {"; \
	    od -An -v -tx1 < $(top_srcdir)/themes/$$t.theme | \
	      sed -e 's/  */ /g' -e 's/^ //' -e 's/ *$$//' -e '/^$$/d' -e 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	    echo '0x00 };'; \
	  done; \
	  echo 'const char *const theme_builtin_names[] = {'; \
	  for t in $(GT_BUILTIN_THEMES); do echo "\"$$t\","; done; \
	  echo 'NULL };'; \
	  echo 'const char *const theme_builtin_texts[] = {'; \
	  for t in $(GT_BUILTIN_THEMES); do echo "theme_`echo $$t | tr - _`,"; done; \
	  echo 'NULL };'; } > $@.tmp && mv $@.tmp $@

gtthemesdir = $(pkgdatadir)/themes
dist_gtthemes_DATA = themes/default.theme themes/light.theme themes/high-contrast.theme \
	themes/solarized-dark.theme themes/monochrome.theme

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_theme tests/unit/test_views tests/unit/test_views_golden \
	tests/unit/test_topocache tests/unit/test_console_churn tests/unit/test_console_at
TESTS += tests/unit/test_theme tests/unit/test_views tests/unit/test_views_golden \
	tests/unit/test_topocache tests/unit/test_console_churn tests/unit/test_console_at
tests_unit_test_console_at_LDADD = $(UI_UNIT_LDADD)
tests_unit_test_console_churn_LDADD = $(UI_UNIT_LDADD)
tests_unit_test_topocache_SOURCES = tests/unit/test_topocache.c tests/unit/manifest_fixture.h
tests_unit_test_topocache_LDADD = $(UI_UNIT_LDADD)
tests_unit_test_theme_LDADD = $(UI_UNIT_LDADD)
tests_unit_test_views_LDADD = $(UI_UNIT_LDADD)
tests_unit_test_views_golden_LDADD = $(UI_UNIT_LDADD)
endif
EXTRA_DIST += tests/golden

# End-to-end: the real console in tmux (skips without tmux).
TESTS += tests/e2e/ui-tmux.sh tests/e2e/ui-demo.sh tests/e2e/ui-telemetry-start.sh \
	tests/e2e/ui-suspects.sh tests/e2e/ui-demo-meshes.sh
EXTRA_DIST += tests/e2e/ui-tmux.sh tests/e2e/ui-demo.sh tests/e2e/ui-telemetry-start.sh \
	tests/e2e/ui-suspects.sh tests/e2e/ui-demo-meshes.sh

# Fuzz target: the theme parser (and the key-script reader).
check_PROGRAMS += tests/fuzz/fuzz_theme
TESTS += tests/fuzz/fuzz_theme
tests_fuzz_fuzz_theme_SOURCES = tests/fuzz/fuzz_theme.c $(FUZZ_MAIN)
tests_fuzz_fuzz_theme_LDADD = $(GT_UI_LDADD)
tests_fuzz_fuzz_theme_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
EXTRA_DIST += tests/bench/bench-console.sh

# Benchmark (prints figures, asserts nothing): tests/bench/bench_grid [ROWS...]
noinst_PROGRAMS += tests/bench/bench_grid
tests_bench_bench_grid_LDADD = $(GT_UI_LDADD)

# ---- the console's editing views (inline policy form, $EDITOR, history/undo) on top of the
# edit layer, with their tests.
src_ui_libgtui_a_SOURCES += src/ui/edit_paths.c src/ui/view_edit.c src/ui/view_edit_draw.c src/ui/view_edit_int.h src/ui/view_history.c src/ui/editor.c \
	include/gammatop/ui_edit.h

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_view_edit
TESTS += tests/unit/test_view_edit
tests_unit_test_view_edit_LDADD = $(UI_UNIT_LDADD)
endif

# End-to-end: edit a rule's timeout in the real console (tmux) against gammatop-sim.
TESTS += tests/e2e/ui-edit.sh
EXTRA_DIST += tests/e2e/ui-edit.sh

# The issue's last check from the console (demo, ~2 minutes): a raised request timeout
# makes inventory's timeout share fall.
TESTS += tests/e2e/ui-edit-effect.sh
EXTRA_DIST += tests/e2e/ui-edit-effect.sh
