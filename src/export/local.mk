# src/export/local.mk: the export layer (see doc/architecture.md), its tests and fuzz targets.
noinst_LIBRARIES += src/export/libgtexport.a
src_export_libgtexport_a_SOURCES = src/export/placeholder.c
