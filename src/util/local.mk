# src/util/local.mk: the util layer (libc only) and its unit tests.
noinst_LIBRARIES += src/util/libgtutil.a
src_util_libgtutil_a_SOURCES = \
	src/util/xalloc.c include/gammatop/xalloc.h \
	src/util/buf.c include/gammatop/buf.h \
	src/util/str.c include/gammatop/str.h \
	src/util/secret.c include/gammatop/secret.h \
	src/util/log.c include/gammatop/log.h \
	src/util/diag.c include/gammatop/diag.h \
	src/util/duration.c include/gammatop/duration.h \
	src/util/timeutil.c include/gammatop/timeutil.h \
	src/util/evloop.c include/gammatop/evloop.h \
	src/util/strmap.c include/gammatop/strmap.h \
	include/gammatop/defaults.h

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_str tests/unit/test_duration tests/unit/test_evloop \
	tests/unit/test_log tests/unit/test_secret
TESTS += tests/unit/test_str tests/unit/test_duration tests/unit/test_evloop tests/unit/test_log \
	tests/unit/test_secret
tests_unit_test_secret_LDADD = $(UTIL_UNIT_LDADD)
tests_unit_test_log_LDADD = $(UTIL_UNIT_LDADD)
tests_unit_test_str_LDADD = $(UTIL_UNIT_LDADD)
tests_unit_test_duration_LDADD = $(UTIL_UNIT_LDADD)
tests_unit_test_evloop_LDADD = $(UTIL_UNIT_LDADD)
endif
