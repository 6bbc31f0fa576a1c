# src/kube/local.mk: the kube layer (see doc/architecture.md), its tests and fuzz targets.
noinst_LIBRARIES += src/kube/libgtkube.a
src_kube_libgtkube_a_SOURCES = \
	src/kube/kubeconfig.c include/gammatop/kubeconfig.h \
	src/kube/credential.c include/gammatop/credential.h \
	src/kube/apierr.c include/gammatop/apierr.h \
	src/kube/watchsplit.c include/gammatop/watchsplit.h \
	src/kube/kclient.c include/gammatop/kclient.h \
	src/kube/discovery.c include/gammatop/discovery.h \
	src/kube/listscan.c include/gammatop/listscan.h \
	src/kube/reflector.c include/gammatop/reflector.h \
	src/kube/kcluster.c include/gammatop/kcluster.h \
	src/kube/kevents.c include/gammatop/kevents.h \
	src/kube/oidc.c include/gammatop/oidc.h

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_kubeconfig tests/unit/test_watchsplit tests/unit/test_apierr \
	tests/unit/test_listscan tests/unit/test_kevents tests/unit/test_oidc
TESTS += tests/unit/test_kubeconfig tests/unit/test_watchsplit tests/unit/test_apierr \
	tests/unit/test_listscan tests/unit/test_kevents tests/unit/test_oidc
tests_unit_test_oidc_LDADD = $(KUBE_UNIT_LDADD)
tests_unit_test_kevents_LDADD = $(KUBE_UNIT_LDADD)
tests_unit_test_listscan_LDADD = $(KUBE_UNIT_LDADD)
tests_unit_test_kubeconfig_LDADD = $(KUBE_UNIT_LDADD)
tests_unit_test_watchsplit_LDADD = $(KUBE_UNIT_LDADD)
tests_unit_test_apierr_LDADD = $(KUBE_UNIT_LDADD)
endif

check_PROGRAMS += tests/fuzz/fuzz_kubeconfig tests/fuzz/fuzz_watchsplit tests/fuzz/fuzz_apierr \
	tests/fuzz/fuzz_listscan tests/fuzz/fuzz_oidc
TESTS += tests/fuzz/fuzz_kubeconfig tests/fuzz/fuzz_watchsplit tests/fuzz/fuzz_apierr \
	tests/fuzz/fuzz_listscan tests/fuzz/fuzz_oidc
tests_fuzz_fuzz_oidc_SOURCES = tests/fuzz/fuzz_oidc.c $(FUZZ_MAIN)
tests_fuzz_fuzz_oidc_LDADD = $(GT_KUBE_LDADD)
tests_fuzz_fuzz_oidc_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_listscan_SOURCES = tests/fuzz/fuzz_listscan.c $(FUZZ_MAIN)
tests_fuzz_fuzz_listscan_LDADD = $(GT_KUBE_LDADD)
tests_fuzz_fuzz_listscan_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_apierr_SOURCES = tests/fuzz/fuzz_apierr.c $(FUZZ_MAIN)
tests_fuzz_fuzz_apierr_LDADD = $(GT_KUBE_LDADD)
tests_fuzz_fuzz_apierr_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_kubeconfig_SOURCES = tests/fuzz/fuzz_kubeconfig.c $(FUZZ_MAIN)
tests_fuzz_fuzz_kubeconfig_LDADD = $(GT_KUBE_LDADD)
tests_fuzz_fuzz_kubeconfig_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_watchsplit_SOURCES = tests/fuzz/fuzz_watchsplit.c $(FUZZ_MAIN)
tests_fuzz_fuzz_watchsplit_LDADD = $(GT_KUBE_LDADD)
tests_fuzz_fuzz_watchsplit_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)


KUBE_E2E = tests/e2e/kube-tls-token.sh tests/e2e/kube-client-cert.sh tests/e2e/kube-exec.sh \
	tests/e2e/kube-resilience.sh tests/e2e/kube-unreachable.sh tests/e2e/kube-proxy.sh \
	tests/e2e/kube-faults.sh tests/e2e/kube-hostile.sh tests/e2e/kube-namespace.sh \
	tests/e2e/kube-send.sh tests/e2e/kube-proxy-env.sh tests/e2e/kube-exec-login.sh \
	tests/e2e/kube-oidc.sh
TESTS += $(KUBE_E2E)
EXTRA_DIST += $(KUBE_E2E) tests/e2e/kube-lib.sh tests/e2e/kube-exec-plugin.sh \
	tests/e2e/kube-hostile-server.py tests/e2e/kube-probe.py tests/e2e/kube-tunnel.py \
	tests/e2e/kube-oidc-issuer.py

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_kclient tests/unit/test_credential
TESTS += tests/unit/test_kclient tests/unit/test_credential
tests_unit_test_credential_LDADD = $(KUBE_UNIT_LDADD)
tests_unit_test_kclient_LDADD = $(KUBE_UNIT_LDADD) $(MHD_LIBS)
endif
