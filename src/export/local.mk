# src/export/local.mk: the export layer (see doc/architecture.md): snapshot (JSON, and YAML
# via yamlout), DOT, kubectl-style tables and the routes listing, with their tests.
noinst_LIBRARIES += src/export/libgtexport.a
src_export_libgtexport_a_SOURCES = \
	src/export/snapshot.c include/gammatop/snapshot.h \
	src/export/dot.c include/gammatop/dot.h \
	src/export/table.c include/gammatop/table.h \
	src/export/routes.c include/gammatop/routes.h \
	src/export/yamlout.c include/gammatop/yamlout.h \
	src/export/jsonout.c include/gammatop/jsonout.h \
	src/export/pathsout.c include/gammatop/pathsout.h

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_snapshot tests/unit/test_dot tests/unit/test_table
TESTS += tests/unit/test_snapshot tests/unit/test_dot tests/unit/test_table
tests_unit_test_snapshot_SOURCES = tests/unit/test_snapshot.c tests/unit/export_fixture.h
tests_unit_test_dot_SOURCES = tests/unit/test_dot.c tests/unit/export_fixture.h
tests_unit_test_table_SOURCES = tests/unit/test_table.c tests/unit/export_fixture.h
tests_unit_test_snapshot_LDADD = $(EXPORT_UNIT_LDADD)
tests_unit_test_dot_LDADD = $(EXPORT_UNIT_LDADD)
tests_unit_test_table_LDADD = $(EXPORT_UNIT_LDADD)
endif

TESTS += tests/e2e/export-manifests.sh tests/e2e/export-live.sh tests/e2e/export-telemetry.sh \
	tests/e2e/export-controls.sh tests/e2e/gwapi-live.sh
EXTRA_DIST += tests/e2e/export-manifests.sh tests/e2e/export-live.sh tests/e2e/export-telemetry.sh \
	tests/e2e/export-controls.sh tests/fixtures/controls tests/e2e/gwapi-live.sh \
	tests/fixtures/conformance tests/fixtures/manifests-v16

# The whole export path on hostile objects (see tests/fuzz/fuzz_export.c).
check_PROGRAMS += tests/fuzz/fuzz_export
TESTS += tests/fuzz/fuzz_export
tests_fuzz_fuzz_export_SOURCES = tests/fuzz/fuzz_export.c $(FUZZ_MAIN)
tests_fuzz_fuzz_export_LDADD = $(GT_EXPORT_LDADD)
tests_fuzz_fuzz_export_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
