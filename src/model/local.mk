# src/model/local.mk: the model layer: objects, decoding, manifests and store, and the reasoning
# on them (topology, policy, findings, lint); pure code (jansson and libyaml, no I/O but reading
# manifest files), with their tests, fuzz targets and benchmarks.
noinst_LIBRARIES += src/model/libgtmodel.a
src_model_libgtmodel_a_SOURCES = \
	src/model/object.c include/gammatop/object.h \
	src/model/decode.c include/gammatop/decode.h \
	src/model/decode_filter.c src/model/jfield.c src/model/jfield.h \
	src/model/manifest.c include/gammatop/manifest.h \
	src/model/manifest_yaml.c src/model/manifest_yaml.h \
	src/model/store.c include/gammatop/store.h \
	src/model/objpack.c include/gammatop/objpack.h \
	src/model/objdiff.c include/gammatop/objdiff.h \
	src/model/jdoc.c include/gammatop/jdoc.h


EXTRA_DIST += tests/fixtures/manifests tests/fuzz/dict/decode.dict tests/fuzz/dict/manifest.dict

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_object tests/unit/test_decode tests/unit/test_manifest \
	tests/unit/test_store tests/unit/test_objpack tests/unit/test_objdiff tests/unit/test_jdoc
TESTS += tests/unit/test_object tests/unit/test_decode tests/unit/test_manifest \
	tests/unit/test_store tests/unit/test_objpack tests/unit/test_objdiff tests/unit/test_jdoc
tests_unit_test_objdiff_LDADD = $(MODEL_UNIT_LDADD)
tests_unit_test_jdoc_LDADD = $(MODEL_UNIT_LDADD)
tests_unit_test_objpack_SOURCES = tests/unit/test_objpack.c tests/unit/manifest_fixture.h
tests_unit_test_objpack_LDADD = $(MODEL_UNIT_LDADD)
tests_unit_test_object_LDADD = $(MODEL_UNIT_LDADD)
tests_unit_test_decode_LDADD = $(MODEL_UNIT_LDADD)
tests_unit_test_manifest_LDADD = $(MODEL_UNIT_LDADD)
tests_unit_test_store_LDADD = $(MODEL_UNIT_LDADD)
endif

check_PROGRAMS += tests/fuzz/fuzz_decode tests/fuzz/fuzz_manifest tests/fuzz/fuzz_duration \
	tests/fuzz/fuzz_objpack
TESTS += tests/fuzz/fuzz_decode tests/fuzz/fuzz_manifest tests/fuzz/fuzz_duration \
	tests/fuzz/fuzz_objpack
tests_fuzz_fuzz_objpack_SOURCES = tests/fuzz/fuzz_objpack.c $(FUZZ_MAIN)
tests_fuzz_fuzz_objpack_LDADD = $(GT_MODEL_LDADD)
tests_fuzz_fuzz_objpack_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_decode_SOURCES = tests/fuzz/fuzz_decode.c $(FUZZ_MAIN)
tests_fuzz_fuzz_decode_LDADD = $(GT_MODEL_LDADD)
tests_fuzz_fuzz_decode_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_manifest_SOURCES = tests/fuzz/fuzz_manifest.c $(FUZZ_MAIN)
tests_fuzz_fuzz_manifest_LDADD = $(GT_MODEL_LDADD)
tests_fuzz_fuzz_manifest_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_duration_SOURCES = tests/fuzz/fuzz_duration.c $(FUZZ_MAIN)
tests_fuzz_fuzz_duration_LDADD = $(GT_MODEL_LDADD)
tests_fuzz_fuzz_duration_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)

# Benchmark (prints figures, asserts nothing): tests/bench/bench_decode [N [RUNS]]
noinst_PROGRAMS += tests/bench/bench_decode
tests_bench_bench_decode_LDADD = src/model/libgtmodel.a src/util/libgtutil.a $(YAML_LIBS) \
	$(JANSSON_LIBS) $(LIBS)

# ---- the model's reasoning: topology, policy, findings and lint (pure code), with their tests.
src_model_libgtmodel_a_SOURCES += \
	src/model/findings.c include/gammatop/findings.h \
	src/model/topology.c include/gammatop/topology.h \
	src/model/topology_index.c src/model/topology_status.c src/model/topology_int.h \
	src/model/topology_lookup.c src/model/topology_listeners.c src/model/topology_policy.c \
	src/model/topology_rules.c \
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
tests_unit_test_conformance_LDADD = $(MODEL_UNIT_LDADD)
tests_unit_test_lifetimes_SOURCES = tests/unit/test_lifetimes.c tests/unit/model_fixture.h
tests_unit_test_lifetimes_LDADD = $(MODEL_UNIT_LDADD)
tests_unit_test_topology_SOURCES = tests/unit/test_topology.c tests/unit/model_fixture.h
tests_unit_test_topology_LDADD = $(MODEL_UNIT_LDADD)
tests_unit_test_policy_LDADD = $(MODEL_UNIT_LDADD)
tests_unit_test_lint_SOURCES = tests/unit/test_lint.c tests/unit/model_fixture.h
tests_unit_test_lint_LDADD = $(MODEL_UNIT_LDADD)
tests_unit_test_paths_SOURCES = tests/unit/test_paths.c tests/unit/model_fixture.h
tests_unit_test_paths_LDADD = $(MODEL_UNIT_LDADD)
endif

# Benchmark (prints figures, asserts nothing): tests/bench/bench_topology [ROUTES [RUNS [mixed]]]
noinst_PROGRAMS += tests/bench/bench_topology
tests_bench_bench_topology_LDADD = src/model/libgtmodel.a src/util/libgtutil.a $(YAML_LIBS) \
	$(JANSSON_LIBS) $(LIBS)

# Fuzz target: hostile objects through store, topology, lint and the merge patch builder.
check_PROGRAMS += tests/fuzz/fuzz_topology
TESTS += tests/fuzz/fuzz_topology
tests_fuzz_fuzz_topology_SOURCES = tests/fuzz/fuzz_topology.c $(FUZZ_MAIN)
tests_fuzz_fuzz_topology_LDADD = $(GT_MODEL_LDADD)
tests_fuzz_fuzz_topology_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
