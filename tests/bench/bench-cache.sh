#!/bin/sh
# bench-cache.sh: run the cache benchmark (sample ingest rate; figures for 10,000 routes over
# an hour of 15-second samples) and print its figures. Run by hand from a build directory,
# preferably one configured without sanitizers:  sh /path/to/tests/bench/bench-cache.sh
# Arguments: [ROUTES] [TICKS] (default 10000 240). Targets: ingest > 200,000 samples/s,
# figures < 100 ms.
set -eu
B=${GT_BUILDDIR:-$(pwd)}
[ -x "$B/tests/bench/bench_cache" ] || make -C "$B" tests/bench/bench_cache >/dev/null
T=$(mktemp -d "${TMPDIR:-/tmp}/gammatop-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
"$B/tests/bench/bench_cache" "$T/cache.db" "${1:-10000}" "${2:-240}"
