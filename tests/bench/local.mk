# tests/bench/local.mk: benchmarks print figures; they are run by hand (see README), never
# as timed assertions in `make check`.
EXTRA_DIST += tests/bench/README.md

# Call graph and path analysis (prints figures, asserts nothing):
# tests/bench/bench_paths [ROUTES [SERVICES [RUNS]]]
noinst_PROGRAMS += tests/bench/bench_paths
tests_bench_bench_paths_LDADD = src/model/libgtmodel.a src/util/libgtutil.a $(YAML_LIBS) \
	$(JANSSON_LIBS) $(LIBS)
EXTRA_DIST += tests/bench/bench-soak.sh

# The change journal under churn (prints figures): tests/bench/bench-journal.sh [BUILDDIR]
EXTRA_DIST += tests/bench/bench-journal.sh
EXTRA_DIST += tests/bench/bench-complete.sh
