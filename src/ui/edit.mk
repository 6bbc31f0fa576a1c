# src/ui/edit.mk: the console's editing views (inline policy form, $EDITOR, history/undo) on
# top of the edit layer, with their tests. Kept apart from src/ui/local.mk so the two can be
# worked on side by side.
src_ui_libgtui_a_SOURCES += src/ui/edit_paths.c src/ui/view_edit.c src/ui/view_edit_draw.c src/ui/view_edit_int.h src/ui/view_history.c src/ui/editor.c \
	include/gammatop/ui_edit.h

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_view_edit
TESTS += tests/unit/test_view_edit
tests_unit_test_view_edit_LDADD = $(UNIT_LDADD)
endif

# End-to-end: edit a rule's timeout in the real console (tmux) against gammatop-sim.
TESTS += tests/e2e/ui-edit.sh
EXTRA_DIST += tests/e2e/ui-edit.sh

# The issue's last check from the console (demo, ~2 minutes): a raised request timeout
# makes inventory's timeout share fall.
TESTS += tests/e2e/ui-edit-effect.sh
EXTRA_DIST += tests/e2e/ui-edit-effect.sh
