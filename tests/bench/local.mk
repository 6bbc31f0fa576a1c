# tests/bench/local.mk: benchmarks print figures; they are run by hand (see README), never
# as timed assertions in `make check`.
EXTRA_DIST += tests/bench/README.md
EXTRA_DIST += tests/bench/bench-soak.sh
