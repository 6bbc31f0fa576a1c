/* fuzz_oidc.c: the id-token an issuer (or a kubeconfig) hands over is untrusted: its
 * validity check never crashes, whatever the bytes, and answers 1, 0 or -1. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/oidc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *jwt = malloc(size + 1), err[128];
	if (!jwt)
		return 0;
	memcpy(jwt, data, size);
	jwt[size] = 0;
	int v = oidc_token_valid(jwt, 1000000000, err, sizeof err);
	if (v < -1 || v > 1)
		abort();
	free(jwt);
	return 0;
}
