# src/net/local.mk: the net layer: HTTP on libcurl's multi interface, driven by the shared
# evloop. Used by kube (API server) and telemetry (Prometheus API); knows util and curl only.
noinst_LIBRARIES += src/net/libgtnet.a
src_net_libgtnet_a_SOURCES = src/net/placeholder.c
