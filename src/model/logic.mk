# src/model/logic.mk: the model layer's reasoning: topology, policy, findings and lint
# (pure code), with their tests.
src_model_libgtmodel_a_SOURCES += \
	src/model/findings.c include/gammatop/findings.h \
	src/model/topology.c include/gammatop/topology.h \
	src/model/topology_index.c src/model/topology_status.c src/model/topology_int.h \
	src/model/topology_lookup.c src/model/topology_listeners.c src/model/topology_policy.c \
	src/model/policy.c include/gammatop/policy.h \
	src/model/lint.c include/gammatop/lint.h \
	src/model/callgraph.c include/gammatop/callgraph.h \
	src/model/paths.c src/model/paths_findings.c include/gammatop/paths.h

EXTRA_DIST += tests/fixtures/paths tests/fixtures/conformance

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_topology tests/unit/test_policy tests/unit/test_lint \
	tests/unit/test_lifetimes tests/unit/test_paths tests/unit/test_conformance
TESTS += tests/unit/test_topology tests/unit/test_policy tests/unit/test_lint \
	tests/unit/test_lifetimes tests/unit/test_paths tests/unit/test_conformance
tests_unit_test_conformance_LDADD = $(UNIT_LDADD)
tests_unit_test_lifetimes_SOURCES = tests/unit/test_lifetimes.c tests/unit/model_fixture.h
tests_unit_test_lifetimes_LDADD = $(UNIT_LDADD)
tests_unit_test_topology_SOURCES = tests/unit/test_topology.c tests/unit/model_fixture.h
tests_unit_test_topology_LDADD = $(UNIT_LDADD)
tests_unit_test_policy_LDADD = $(UNIT_LDADD)
tests_unit_test_lint_SOURCES = tests/unit/test_lint.c tests/unit/model_fixture.h
tests_unit_test_lint_LDADD = $(UNIT_LDADD)
tests_unit_test_paths_SOURCES = tests/unit/test_paths.c tests/unit/model_fixture.h
tests_unit_test_paths_LDADD = $(UNIT_LDADD)
endif

# Benchmark (prints figures, asserts nothing): tests/bench/bench_topology [ROUTES [RUNS]]
noinst_PROGRAMS += tests/bench/bench_topology
tests_bench_bench_topology_LDADD = src/model/libgtmodel.a src/util/libgtutil.a $(YAML_LIBS) \
	$(JANSSON_LIBS) $(LIBS)

# Fuzz target: hostile objects through store, topology, lint and the merge patch builder.
check_PROGRAMS += tests/fuzz/fuzz_topology
TESTS += tests/fuzz/fuzz_topology
tests_fuzz_fuzz_topology_SOURCES = tests/fuzz/fuzz_topology.c $(FUZZ_MAIN)
tests_fuzz_fuzz_topology_LDADD = $(GT_ALL_LDADD)
tests_fuzz_fuzz_topology_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
