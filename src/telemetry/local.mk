# src/telemetry/local.mk: the telemetry layer (see doc/architecture.md): exposition parser,
# Prometheus API, mesh profiles, rates, figures, proxy scrape, collector; tests, fuzz targets.
noinst_LIBRARIES += src/telemetry/libgttelemetry.a
src_telemetry_libgttelemetry_a_SOURCES = \
	src/telemetry/exposition.c include/gammatop/exposition.h \
	src/telemetry/promresult.c include/gammatop/promresult.h \
	src/telemetry/rate.c include/gammatop/rate.h \
	src/telemetry/figures.c include/gammatop/figures.h \
	src/telemetry/figlookup.c include/gammatop/figlookup.h \
	src/telemetry/mesh.c include/gammatop/mesh.h \
	src/telemetry/scrape.c include/gammatop/scrape.h \
	src/telemetry/podtargets.c \
	src/telemetry/promapi.c include/gammatop/promapi.h \
	src/telemetry/promsource.c include/gammatop/promsource.h \
	src/telemetry/collector.c include/gammatop/collector.h \
	src/telemetry/suspects.c include/gammatop/suspects.h \
	src/telemetry/callobs.c include/gammatop/callobs.h

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_exposition tests/unit/test_promresult tests/unit/test_rate \
	tests/unit/test_mesh
TESTS += tests/unit/test_exposition tests/unit/test_promresult tests/unit/test_rate \
	tests/unit/test_mesh
tests_unit_test_exposition_LDADD = $(TELEMETRY_UNIT_LDADD)
tests_unit_test_promresult_LDADD = $(TELEMETRY_UNIT_LDADD)
tests_unit_test_rate_LDADD = $(TELEMETRY_UNIT_LDADD)
tests_unit_test_mesh_LDADD = $(TELEMETRY_UNIT_LDADD)
check_PROGRAMS += tests/unit/test_promapi tests/unit/test_collector tests/unit/test_suspects \
	tests/unit/test_callobs
TESTS += tests/unit/test_promapi tests/unit/test_collector tests/unit/test_suspects \
	tests/unit/test_callobs
# callobs with pathsout (export, a sibling layer): linked as the ui layer's tests are
tests_unit_test_callobs_LDADD = $(UI_UNIT_LDADD)
tests_unit_test_suspects_LDADD = $(TELEMETRY_UNIT_LDADD)
tests_unit_test_promapi_LDADD = $(TELEMETRY_UNIT_LDADD) $(MHD_LIBS)
tests_unit_test_collector_LDADD = $(TELEMETRY_UNIT_LDADD)
endif

check_PROGRAMS += tests/fuzz/fuzz_exposition tests/fuzz/fuzz_promresult tests/fuzz/fuzz_podtargets
TESTS += tests/fuzz/fuzz_exposition tests/fuzz/fuzz_promresult tests/fuzz/fuzz_podtargets
tests_fuzz_fuzz_podtargets_SOURCES = tests/fuzz/fuzz_podtargets.c $(FUZZ_MAIN)
tests_fuzz_fuzz_podtargets_LDADD = $(GT_TELEMETRY_LDADD)
tests_fuzz_fuzz_podtargets_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_exposition_SOURCES = tests/fuzz/fuzz_exposition.c $(FUZZ_MAIN)
tests_fuzz_fuzz_exposition_LDADD = $(GT_TELEMETRY_LDADD)
tests_fuzz_fuzz_exposition_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_promresult_SOURCES = tests/fuzz/fuzz_promresult.c $(FUZZ_MAIN)
tests_fuzz_fuzz_promresult_LDADD = $(GT_TELEMETRY_LDADD)
tests_fuzz_fuzz_promresult_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)

# End-to-end: the sim's traffic model against a real Prometheus and a direct pod-proxy scrape.
TESTS += tests/e2e/telemetry-prometheus.sh tests/e2e/telemetry-meshes.sh \
	tests/e2e/telemetry-fixtures.sh
EXTRA_DIST += tests/e2e/telemetry-prometheus.sh tests/e2e/telemetry-meshes.sh \
	tests/e2e/telemetry-fixtures.sh tests/fixtures/telemetry \
	doc/telemetry.md
