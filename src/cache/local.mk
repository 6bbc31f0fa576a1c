# src/cache/local.mk: the cache layer (see doc/architecture.md), its tests and fuzz targets.
noinst_LIBRARIES += src/cache/libgtcache.a
src_cache_libgtcache_a_SOURCES = src/cache/placeholder.c
