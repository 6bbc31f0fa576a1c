# src/net/local.mk: the net layer: HTTP on libcurl's multi interface, driven by the shared
# evloop. Used by kube (API server) and telemetry (Prometheus API); knows util and curl only.
noinst_LIBRARIES += src/net/libgtnet.a
src_net_libgtnet_a_SOURCES = src/net/http.c include/gammatop/http.h src/net/proxyenv.c \
	include/gammatop/proxyenv.h

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_http tests/unit/test_proxyenv
TESTS += tests/unit/test_http tests/unit/test_proxyenv
tests_unit_test_proxyenv_LDADD = $(NET_UNIT_LDADD)
tests_unit_test_http_LDADD = $(NET_UNIT_LDADD) $(MHD_LIBS)
endif
