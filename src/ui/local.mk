# src/ui/local.mk: the ui layer (see doc/architecture.md), its tests and fuzz targets.
noinst_LIBRARIES += src/ui/libgtui.a
src_ui_libgtui_a_SOURCES = src/ui/placeholder.c
