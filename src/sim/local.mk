# src/sim/local.mk: gammatop-sim, the Kubernetes API and mesh-proxy simulator.
bin_PROGRAMS += src/gammatop-sim
src_gammatop_sim_SOURCES = src/sim/main.c
src_gammatop_sim_LDADD = src/model/libgtmodel.a src/util/libgtutil.a $(MHD_LIBS) \
	$(YAML_LIBS) $(JANSSON_LIBS) $(OPENSSL_LIBS) $(LIBS)
