/* fuzz_kubeconfig.c: kubeconfig parsing and resolution on hostile YAML (never a crash, and
 * either a resolved config or an error message). */
#include <stdint.h>
#include <stdlib.h>

#include "gammatop/kubeconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kubeconfig_opts o = {.home = "/nonexistent", .env_kubeconfig = ""};
	struct kubeconfig *kc = NULL;
	char err[512];
	if (kubeconfig_load_text((const char *)data, size, "/fuzz/config", &o, &kc, err,
	                         sizeof err) == 0)
		kubeconfig_free(kc);
	size_t len;
	char *text = malloc(size + 1);
	if (text) {
		for (size_t i = 0; i < size; i++)
			text[i] = data[i] ? (char)data[i] : 'A';
		text[size] = 0;
		free(kubeconfig_base64_decode(text, &len));
		free(text);
	}
	return 0;
}
