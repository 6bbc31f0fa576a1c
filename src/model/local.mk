# src/model/local.mk: the model layer's objects, decoding, manifests and store (pure code:
# jansson and libyaml, no I/O but reading manifest files), with their tests and fuzz targets.
noinst_LIBRARIES += src/model/libgtmodel.a
src_model_libgtmodel_a_SOURCES = \
	src/model/object.c include/gammatop/object.h \
	src/model/decode.c include/gammatop/decode.h \
	src/model/manifest.c include/gammatop/manifest.h \
	src/model/store.c include/gammatop/store.h
