# tests/bench/local.mk: benchmarks print figures; they are run by hand (see README), never
# as timed assertions in `make check`.
EXTRA_DIST += tests/bench/README.md

# Call graph and path analysis (prints figures, asserts nothing):
# tests/bench/bench_paths [ROUTES [SERVICES [RUNS]]]
noinst_PROGRAMS += tests/bench/bench_paths
tests_bench_bench_paths_LDADD = $(GT_ALL_LDADD)
EXTRA_DIST += tests/bench/bench-soak.sh

# The change journal under churn (prints figures): tests/bench/bench-journal.sh [BUILDDIR]
EXTRA_DIST += tests/bench/bench-journal.sh
EXTRA_DIST += tests/bench/bench-complete.sh

# One proxy page of 100,000 series parsed and folded (prints figures, asserts nothing):
# tests/bench/bench_scrape [SERIES [RUNS]]
noinst_PROGRAMS += tests/bench/bench_scrape
tests_bench_bench_scrape_LDADD = $(GT_TELEMETRY_LDADD)
