# src/edit/local.mk: the edit layer: change a route rule's timeouts/retry safely (validate,
# diff, server dry-run, conflict-safe apply, audit, undo). Knows model, kube and cache (and the
# telemetry layer's pure rate_histogram_quantile for the preview); used by the
# `set`/`history`/`undo` commands and by the console's edit form.
noinst_LIBRARIES += src/edit/libgtedit.a
src_edit_libgtedit_a_SOURCES = \
	src/edit/edit.c include/gammatop/edit.h src/edit/edit_int.h \
	src/edit/edit_policy.c src/edit/edit_mesh.c src/edit/edit_io.c \
	src/edit/edit_audit.c src/edit/edit_batch.c src/edit/edit_preview.c \
	src/edit/edit_doc.c src/edit/edit_rule.c src/edit/edit_settle.c src/edit/edit_event.c \
	src/edit/linediff.c include/gammatop/linediff.h

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_edit tests/unit/test_audit
TESTS += tests/unit/test_edit tests/unit/test_audit
tests_unit_test_edit_LDADD = $(EDIT_UNIT_LDADD)
tests_unit_test_audit_LDADD = $(EDIT_UNIT_LDADD)
endif

TESTS += tests/e2e/edit-set.sh tests/e2e/edit-conflict.sh tests/e2e/edit-standard.sh \
	tests/e2e/edit-effect.sh tests/e2e/edit-tty.sh tests/e2e/edit-interrupt.sh \
	tests/e2e/edit-undo-rule.sh
EXTRA_DIST += tests/e2e/edit-set.sh tests/e2e/edit-conflict.sh tests/e2e/edit-standard.sh \
	tests/e2e/edit-effect.sh tests/e2e/edit-tty.sh tests/e2e/edit-interrupt.sh \
	tests/e2e/edit-undo-rule.sh

check_PROGRAMS += tests/fuzz/fuzz_edit
TESTS += tests/fuzz/fuzz_edit
tests_fuzz_fuzz_edit_SOURCES = tests/fuzz/fuzz_edit.c $(FUZZ_MAIN)
tests_fuzz_fuzz_edit_LDADD = $(GT_EDIT_LDADD)
tests_fuzz_fuzz_edit_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
