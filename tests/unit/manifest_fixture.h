/* manifest_fixture.h: the bundled test manifests (tests/fixtures/manifests, found through
 * $GT_SRCDIR, else the current directory) loaded into a store, for the unit tests that run
 * over every object of them (test_objpack, test_topocache). */
#ifndef MANIFEST_FIXTURE_H
#define MANIFEST_FIXTURE_H
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "gammatop/diag.h"
#include "gammatop/manifest.h"
#include "gammatop/store.h"

/* A new store holding every object of tests/fixtures/manifests (documents that do not load
 * are left out, as manifest_load_store does); NULL when the directory cannot be read (the
 * caller skips). Free with store_free(). */
static struct gt_store *manifest_fixture_store(void)
{
	const char *src = getenv("GT_SRCDIR");
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/tests/fixtures/manifests", src ? src : ".");
	if (access(dir, R_OK) != 0)
		return NULL;
	struct gt_store *s = store_new();
	struct diag d;
	diag_init(&d);
	const char *paths[] = {dir};
	manifest_load_store(s, paths, 1, &d);
	diag_done(&d);
	return s;
}

#endif
