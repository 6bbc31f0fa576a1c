# src/kube/local.mk: the kube layer (see doc/architecture.md), its tests and fuzz targets.
noinst_LIBRARIES += src/kube/libgtkube.a
src_kube_libgtkube_a_SOURCES = src/kube/placeholder.c
