# src/sim/local.mk: gammatop-sim, the Kubernetes API and mesh-proxy simulator (libmicrohttpd;
# GnuTLS, which libmicrohttpd uses, for client-certificate checks; OpenSSL for certificates),
# the traffic model's unit test, its end-to-end tests and its benchmark.
noinst_LIBRARIES += src/sim/libgtsim.a
src_sim_libgtsim_a_SOURCES = src/sim/sim.h src/sim/sim.c src/sim/resource.c src/sim/objects.c \
	src/sim/server.c src/sim/server.h src/sim/api.c src/sim/api.h src/sim/mutate.c \
	src/sim/patch.c src/sim/apply.c src/sim/selector.c src/sim/watch.c src/sim/discovery.c \
	src/sim/openapi.c src/sim/table.c src/sim/schema.c src/sim/schema.h \
	src/sim/validate.c src/sim/validate_int.h src/sim/validate_gw.c src/sim/validate_l4.c \
	src/sim/validate_policy.c src/sim/validate_core.c \
	src/sim/controller.c src/sim/controller_int.h src/sim/controller_listeners.c \
	src/sim/controller_routes.c src/sim/controller_policy.c \
	src/sim/world.c src/sim/world.h src/sim/demo.c \
	src/sim/generate.c src/sim/admin.c src/sim/state.c src/sim/tls.c src/sim/tls.h \
	src/sim/traffic_glue.c src/sim/traffic_glue.h \
	src/sim/traffic.c src/sim/traffic.h src/sim/metrics.c \
	src/sim/managed.c src/sim/events.c src/sim/rbac.c src/sim/rbac.h
SIM_LDADD = src/sim/libgtsim.a src/model/libgtmodel.a src/util/libgtutil.a $(MHD_LIBS) $(GNUTLS_LIBS) \
	$(YAML_LIBS) $(JANSSON_LIBS) $(OPENSSL_LIBS) -lpthread -lm $(LIBS)

bin_PROGRAMS += src/gammatop-sim
src_gammatop_sim_SOURCES = src/sim/main.c
src_gammatop_sim_LDADD = $(SIM_LDADD)

# Unit tests of the pure pieces (patches, selectors, apply ownership, validation of every
# kind and channel) and of the controller's status on small worlds.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_sim_patch tests/unit/test_sim_validate tests/unit/test_sim_controller \
	tests/unit/test_sim_events
TESTS += tests/unit/test_sim_patch tests/unit/test_sim_validate tests/unit/test_sim_controller \
	tests/unit/test_sim_events
tests_unit_test_sim_patch_LDADD = $(SIM_LDADD) $(CMOCKA_LIBS)
tests_unit_test_sim_validate_LDADD = $(SIM_LDADD) $(CMOCKA_LIBS)
tests_unit_test_sim_controller_LDADD = $(SIM_LDADD) $(CMOCKA_LIBS)
tests_unit_test_sim_events_LDADD = $(SIM_LDADD) $(CMOCKA_LIBS)
endif

# The API handlers on hostile requests: paths, queries, patch bodies of every type.
check_PROGRAMS += tests/fuzz/fuzz_sim_api
TESTS += tests/fuzz/fuzz_sim_api
tests_fuzz_fuzz_sim_api_SOURCES = tests/fuzz/fuzz_sim_api.c $(FUZZ_MAIN)
tests_fuzz_fuzz_sim_api_LDADD = $(SIM_LDADD)
tests_fuzz_fuzz_sim_api_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)

# End-to-end tests of the simulator (curl, jq and, when installed, kubectl) and its benchmark.
SIM_E2E = tests/e2e/sim-protocol.sh tests/e2e/sim-kubectl.sh tests/e2e/sim-tls.sh \
	tests/e2e/sim-world.sh tests/e2e/sim-kubectl-kinds.sh
TESTS += $(SIM_E2E)
EXTRA_DIST += $(SIM_E2E) tests/bench/bench-sim.sh

# ---- the traffic model and mesh metrics (traffic.c, metrics.c) and their unit test.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_traffic
TESTS += tests/unit/test_traffic
tests_unit_test_traffic_SOURCES = tests/unit/test_traffic.c src/sim/traffic.c src/sim/metrics.c \
	src/sim/traffic.h
tests_unit_test_traffic_LDADD = $(MODEL_UNIT_LDADD)
endif
