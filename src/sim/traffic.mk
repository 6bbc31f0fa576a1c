# src/sim/traffic.mk: the simulator's traffic model and mesh metrics (traffic.c, metrics.c),
# and their unit test. The simulator itself (local.mk) lists the same sources.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_traffic
TESTS += tests/unit/test_traffic
tests_unit_test_traffic_SOURCES = tests/unit/test_traffic.c src/sim/traffic.c src/sim/metrics.c \
	src/sim/traffic.h
tests_unit_test_traffic_LDADD = $(UNIT_LDADD)
endif
