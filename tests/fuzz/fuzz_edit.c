/* fuzz_edit.c: an edit session on arbitrary route JSON (the API server's answer is untrusted):
 * load, select rules, changes of every kind, dry-run and apply verdicts on the same bytes,
 * conflict and rebase, Linkerd's effective policy and annotation mode, the line diff of the
 * input against its YAML, the audit-log policy reader, and the same bytes as an edited
 * whole document (the console's E). Must never crash or leak; the texts the engine returns
 * must be safe for a terminal. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gammatop/edit.h"
#include "gammatop/linediff.h"
#include "gammatop/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_safe(const char *text)
{
	/* Every line of a text the engine returns passes the sanitiser unchanged. */
	const char *p = text ? text : "";
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, len);
		if (!str_is_safe(line) && *line)
			abort();
		free(line);
		p += len + (nl ? 1 : 0);
	}
}

static void check(struct edit *e)
{
	check_safe(edit_message(e));
	check_safe(edit_diff(e));
	check_safe(edit_before_yaml(e));
	check_safe(edit_meanwhile(e));
	size_t n;
	const char *const *notes = edit_notes(e, &n);
	for (size_t i = 0; i < n; i++)
		check_safe(notes[i]);
	char *a = edit_audit_json(e, true), *b = edit_audit_json(e, false);
	free(a);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned mode = data[0];
	const char *body = (const char *)data + 1;
	size_t len = size - 1;
	json_t *j = json_loadb(body, len, 0, NULL);
	const json_t *md = json_object_get(j, "metadata");
	const char *ns = json_string_value(json_object_get(md, "namespace"));
	const char *name = json_string_value(json_object_get(md, "name"));
	struct edit *e = edit_new(mode & 1 ? GT_GRPCROUTE : GT_HTTPROUTE, ns ? ns : "ns",
	                          name ? name : "n");
	edit_set_mesh(e, mode & 2 ? "linkerd" : "auto");
	edit_set_linkerd_annotations(e, mode & 4);
	edit_take_fetch(e, 200, body, len, NULL);
	check(e);
	edit_select_rule(e, mode & 8 ? "checkout" : "0");
	struct edit_change c;
	edit_change_init(&c);
	c.request_timeout = mode & 16 ? "10s" : NULL;
	c.backend_timeout = mode & 32 ? "1h30m" : NULL;
	c.retry_attempts = mode & 64 ? 3 : -1;
	c.retry_codes = mode & 128 ? "502, 503" : NULL;
	c.clear_retry = !(mode & 64);
	edit_set_change(e, &c);
	check(e);
	edit_take_dry_run(e, 200, body, len, NULL);
	check(e);
	struct apierr conflict = {.kind = APIERR_CONFLICT, .code = 409, .message = "conflict"};
	edit_take_apply(e, 409, "{}", 2, &conflict);
	edit_take_fetch(e, 200, body, len, NULL);
	check(e);
	edit_take_apply(e, 200, body, len, NULL);
	check(e);

	struct policy p;
	char classes[64], err[256];
	edit_linkerd_effective(j, 0, &p, classes, sizeof classes);
	if (!str_is_safe(classes) && *classes)
		abort();
	edit_policy_from_json(j, &p, err, sizeof err);
	char *yaml = strndup(body, len);
	char *d = linediff_unified(yaml, edit_before_yaml(e), "a", "b", (int)(mode % 5));
	free(d);
	free(yaml);
	edit_free(e);
	json_decref(j);

	/* The same bytes as the edited document of a known route (the console's E). */
	static const char base[] =
		"{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
		"\"metadata\":{\"name\":\"n\",\"namespace\":\"ns\",\"resourceVersion\":\"1\"},"
		"\"spec\":{\"rules\":[{\"timeouts\":{\"request\":\"5s\"}}]}}";
	e = edit_new(GT_HTTPROUTE, "ns", "n");
	edit_take_fetch(e, 200, base, sizeof base - 1, NULL);
	edit_set_document(e, body, len);
	check(e);
	edit_take_dry_run(e, 200, base, sizeof base - 1, NULL);
	edit_take_apply(e, 409, "{}", 2, &conflict);
	edit_take_fetch(e, 200, base, sizeof base - 1, NULL);
	check(e);
	edit_free(e);
	return 0;
}
