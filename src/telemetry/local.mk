# src/telemetry/local.mk: the telemetry layer (see doc/architecture.md), its tests and fuzz targets.
noinst_LIBRARIES += src/telemetry/libgttelemetry.a
src_telemetry_libgttelemetry_a_SOURCES = src/telemetry/placeholder.c
