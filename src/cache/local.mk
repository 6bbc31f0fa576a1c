# src/cache/local.mk: the cache layer (see doc/architecture.md): SQLite cache, samples with
# rollups and retention, last topology per context; its tests and benchmark.
noinst_LIBRARIES += src/cache/libgtcache.a
src_cache_libgtcache_a_SOURCES = \
	src/cache/cache.c include/gammatop/cache.h \
	src/cache/samples.c src/cache/sample_counts.c src/cache/samples_migrate.c \
	include/gammatop/samples.h \
	src/cache/sampleblob.c include/gammatop/sampleblob.h \
	src/cache/topocache.c include/gammatop/topocache.h \
	src/cache/audit.c include/gammatop/audit.h \
	src/cache/journal.c src/cache/journal_read.c include/gammatop/journal.h

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_cache tests/unit/test_journal
TESTS += tests/unit/test_cache tests/unit/test_journal
tests_unit_test_cache_LDADD = $(CACHE_UNIT_LDADD)
tests_unit_test_journal_LDADD = $(CACHE_UNIT_LDADD)
endif

TESTS += tests/e2e/cache-shared.sh tests/e2e/cache-cluster-key.sh tests/e2e/cache-readonly.sh
EXTRA_DIST += tests/e2e/cache-shared.sh tests/e2e/cache-cluster-key.sh tests/e2e/cache-readonly.sh

check_PROGRAMS += tests/fuzz/fuzz_sampleblob
TESTS += tests/fuzz/fuzz_sampleblob
tests_fuzz_fuzz_sampleblob_SOURCES = tests/fuzz/fuzz_sampleblob.c $(FUZZ_MAIN)
tests_fuzz_fuzz_sampleblob_LDADD = $(GT_CACHE_LDADD)
tests_fuzz_fuzz_sampleblob_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)

noinst_PROGRAMS += tests/bench/bench_cache
# It reads the samples back as telemetry does (figures), so it links with telemetry.
tests_bench_bench_cache_LDADD = $(GT_TELEMETRY_LDADD)
EXTRA_DIST += tests/bench/bench-cache.sh
