# src/model/logic.mk: the model layer's reasoning: topology, policy, findings and lint
# (pure code), with their tests.
src_model_libgtmodel_a_SOURCES += \
	src/model/findings.c include/gammatop/findings.h \
	src/model/topology.c include/gammatop/topology.h \
	src/model/policy.c include/gammatop/policy.h \
	src/model/lint.c include/gammatop/lint.h
