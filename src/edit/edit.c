/* edit.c: the edit session (see edit.h): base object and resourceVersion, the selected rule,
 * the change and its target policy, validation, the after-object, YAML diff and merge patch,
 * the verdicts of the server's dry-run and apply, and the rebase after a conflict. Pure: the
 * answers come in through the edit_take_* calls. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit_int.h"
#include "gammatop/buf.h"
#include "gammatop/decode.h"
#include "gammatop/edit.h"
#include "gammatop/linediff.h"
#include "gammatop/lint.h"
#include "gammatop/manifest.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

/* The strings of a change, owned. */
struct change_copy {
	struct edit_change c;
	char *strs[4];
};

struct edit {
	enum gt_kind kind;
	char *ns, *name, *id;
	enum edit_state state;
	char *message;             /* owned, sanitised */
	enum apierr_kind err_kind;

	json_t *base;              /* owned: the object the change is computed on */
	char *base_rv, *base_yaml; /* owned */
	char *meanwhile;           /* owned: diff old base -> new base after a rebase */

	int rule;                  /* -1: none selected */
	char *rule_name, *rule_label;
	char *rule_key;            /* owned: the selected rule's identity (edit_rule_key_of) */

	char *mesh_opt;            /* owned: "auto", "linkerd", ... */
	enum edit_mesh mesh;
	bool annotations;          /* Linkerd annotation mode */
	char **notes;              /* owned, sanitised */
	size_t n_notes;

	struct policy current, target;
	bool have_change, have_target;
	struct change_copy change;
	json_t *doc;               /* owned: the edited whole document (edit_set_document) */

	struct findings findings;
	json_t *patch;             /* owned */
	char *patch_text, *after_yaml, *diff; /* owned */
	char *new_rv;
	bool retry_unsupported;
	void *io; /* owned: edit_io.c's request state */
};

static const char *const state_names[] = {
	"empty", "loaded", "no-change", "invalid", "ready", "dry-run-ok", "dry-run-failed",
	"applied", "conflict", "rejected", "failed",
};

const char *edit_state_name(enum edit_state s)
{
	return (size_t)s < sizeof state_names / sizeof state_names[0] ? state_names[s] : "?";
}

static void set_message(struct edit *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_message(struct edit *e, const char *fmt, ...)
{
	struct buf b;
	buf_init(&b);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(e->message);
	e->message = edit_mesh_sanitize_lines(buf_str(&b));
	buf_done(&b);
}

static void add_note(struct edit *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(struct edit *e, const char *fmt, ...)
{
	struct buf b;
	buf_init(&b);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	e->notes = xreallocarray(e->notes, e->n_notes + 2, sizeof *e->notes);
	e->notes[e->n_notes++] = edit_mesh_sanitize_lines(buf_str(&b));
	e->notes[e->n_notes] = NULL;
	buf_done(&b);
}

static void clear_notes(struct edit *e)
{
	for (size_t i = 0; i < e->n_notes; i++)
		free(e->notes[i]);
	free(e->notes);
	e->notes = NULL;
	e->n_notes = 0;
}

static void clear_result(struct edit *e)
{
	findings_done(&e->findings);
	findings_init(&e->findings);
	json_decref(e->patch);
	e->patch = NULL;
	free(e->patch_text);
	free(e->after_yaml);
	free(e->diff);
	free(e->new_rv);
	e->patch_text = e->after_yaml = e->diff = e->new_rv = NULL;
	e->retry_unsupported = false;
}

struct edit *edit_new(enum gt_kind kind, const char *ns, const char *name)
{
	struct edit *e = xcalloc(1, sizeof *e);
	e->kind = kind;
	e->ns = xstrdup(ns ? ns : "");
	e->name = xstrdup(name ? name : "");
	e->id = xasprintf("%s/%s/%s", kind_id(kind), e->ns, e->name);
	e->rule = -1;
	e->mesh_opt = xstrdup("auto");
	findings_init(&e->findings);
	edit_change_init(&e->change.c);
	policy_init(&e->current);
	policy_init(&e->target);
	return e;
}

static void change_free(struct change_copy *cc)
{
	for (size_t i = 0; i < 4; i++)
		free(cc->strs[i]);
	memset(cc, 0, sizeof *cc);
	edit_change_init(&cc->c);
}

void edit_free(struct edit *e)
{
	if (!e)
		return;
	clear_result(e);
	findings_done(&e->findings);
	clear_notes(e);
	free(e->io);
	change_free(&e->change);
	json_decref(e->doc);
	json_decref(e->base);
	free(e->ns);
	free(e->name);
	free(e->id);
	free(e->message);
	free(e->base_rv);
	free(e->base_yaml);
	free(e->meanwhile);
	free(e->rule_name);
	free(e->rule_label);
	free(e->rule_key);
	free(e->mesh_opt);
	free(e);
}

/* YAML of obj for people: without metadata.managedFields (noise), every line sanitised. */
static char *display_yaml(const json_t *obj)
{
	json_t *copy = json_deep_copy(obj);
	json_object_del(json_object_get(copy, "metadata"), "managedFields");
	char *raw = manifest_json_to_yaml(copy);
	json_decref(copy);
	char *safe = edit_mesh_sanitize_lines(raw);
	free(raw);
	return safe;
}

/* YAML of obj for "what changed meanwhile": without the fields every write changes
 * (resourceVersion, generation, managedFields) and without status (the controller's). */
static char *meanwhile_yaml(const json_t *obj)
{
	json_t *copy = json_deep_copy(obj);
	json_t *md = json_object_get(copy, "metadata");
	json_object_del(md, "resourceVersion");
	json_object_del(md, "generation");
	json_object_del(copy, "status");
	char *y = display_yaml(copy);
	json_decref(copy);
	return y;
}

/* The policy of rule i of route JSON as the model reads it (decode applies the defaults). */
static int json_rule_policy(const json_t *route, int rule, struct policy *p, char *err,
                            size_t errlen)
{
	struct gt_object *o = NULL;
	policy_init(p);
	if (decode_object(route, &o, err, errlen) != DECODE_OK)
		return -1;
	int rc = 0;
	if (!kind_is_route(o->kind) || rule < 0 || (size_t)rule >= o->u.route.n_rules) {
		snprintf(err, errlen, "the route has no rule %d", rule);
		rc = -1;
	} else {
		policy_from_rule(&o->u.route.rules[rule], p);
	}
	object_free(o);
	return rc;
}

/* The policy of the selected rule in obj, as the edit's mode reads it; -1 with err set when
 * the object cannot be decoded. */
static int read_policy(const struct edit *e, const json_t *obj, struct policy *p, char *err,
                       size_t errlen)
{
	if (e->annotations) {
		edit_linkerd_effective(obj, e->rule, p, NULL, 0);
		return 0;
	}
	return json_rule_policy(obj, e->rule, p, err, errlen);
}

static void mesh_notes(struct edit *e)
{
	clear_notes(e);
	if (e->mesh != EDIT_MESH_LINKERD || e->rule < 0)
		return;
	char classes[128], sum[160];
	struct policy eff;
	edit_linkerd_effective(e->base, e->rule, &eff, classes, sizeof classes);
	policy_summary(&eff, true, sum, sizeof sum);
	const json_t *rules = json_object_get(json_object_get(e->base, "spec"), "rules");
	add_note(e, "mesh: Linkerd. Effective policy (as Linkerd reads it): %s%s%s%s", sum,
	         *classes ? " retry on " : "", classes,
	         eff.has_retry ? "" : " (no retry.linkerd.io annotations: no retries)");
	if (e->annotations) {
		if (json_array_size(rules) > 1)
			add_note(e, "Linkerd's route annotations apply to every rule of %s (%zu rules), "
			            "not only %s",
			         e->id, json_array_size(rules), e->rule_label);
		return;
	}
	struct policy cur_retry = e->current, tgt_retry = e->target;
	cur_retry.has_request = tgt_retry.has_request = false;
	cur_retry.has_backend_request = tgt_retry.has_backend_request = false;
	bool touches_retry = (e->have_change || e->have_target) &&
	                     !edit_policy_equal(&cur_retry, &tgt_retry);
	if (touches_retry)
		add_note(e, "warning: Linkerd ignores the Gateway API retry field: changing "
		            "spec.rules[%d].retry will not change behaviour on this mesh. Linkerd "
		            "reads retries from the route's retry.linkerd.io/http, /limit and /timeout "
		            "annotations: use --linkerd-annotations (the form's annotation mode) to "
		            "change them instead",
		         e->rule);
	else if (e->current.has_retry)
		add_note(e, "note: Linkerd ignores this rule's retry field (retries come from "
		            "retry.linkerd.io annotations)");
}

static enum edit_state finish(struct edit *e, size_t errors);

/* Document mode: validate the edited object and build its patch. */
static enum edit_state recompute_doc(struct edit *e)
{
	char err[512] = "";
	int errors = edit_doc_build(e->base, e->doc, e->id, e->base_rv, &e->findings, &e->patch,
	                            err, sizeof err);
	e->err_kind = APIERR_NONE;
	if (errors < 0) {
		set_message(e, "%s: %s", e->id, err);
		return e->state = EDIT_INVALID;
	}
	return finish(e, (size_t)errors);
}

/* Recompute target, findings, patch, after-YAML and diff from base + rule + change. */
static enum edit_state recompute(struct edit *e)
{
	clear_result(e);
	if (e->base && e->doc)
		return recompute_doc(e);
	if (!e->base || e->rule < 0)
		return e->state;
	char rerr[512];
	if (read_policy(e, e->base, &e->current, rerr, sizeof rerr) < 0) {
		set_message(e, "cannot read %s %s: %s", e->id, e->rule_label, rerr);
		e->err_kind = APIERR_NONE;
		return e->state = EDIT_FAILED;
	}
	if (!e->have_change && !e->have_target) {
		mesh_notes(e);
		free(e->message);
		e->message = NULL;
		return e->state = EDIT_LOADED;
	}
	if (e->have_change) {
		char err[256] = "";
		if (edit_change_apply(&e->change.c, &e->current, &e->target, err, sizeof err) < 0) {
			e->target = e->current;
			mesh_notes(e);
			set_message(e, "%s: %s", e->id, err);
			e->err_kind = APIERR_NONE;
			return e->state = EDIT_INVALID;
		}
	}
	mesh_notes(e);
	size_t errors = policy_validate(&e->target, e->id, (size_t)e->rule, &e->findings);
	if (e->annotations && e->target.has_retry && e->target.has_backoff) {
		findings_add(&e->findings, LINT_LINKERD_NO_BACKOFF, e->id,
		             "metadata.annotations",
		             "Linkerd has no annotation for retry backoff: clear it (--clear-backoff) "
		             "in annotation mode");
		errors++;
	}
	char err[256] = "";
	if (e->annotations) {
		e->patch = json_object();
		json_t *md = json_object();
		if (e->base_rv)
			json_object_set_new(md, "resourceVersion", json_string(e->base_rv));
		json_object_set_new(md, "annotations",
		                    edit_mesh_annotation_patch(e->base, e->rule, &e->target));
		json_object_set_new(e->patch, "metadata", md);
	} else {
		e->patch = policy_merge_patch(e->base, (size_t)e->rule, &e->target, e->base_rv, err,
		                              sizeof err);
	}
	if (!e->patch) {
		set_message(e, "%s: cannot build the patch: %s", e->id, err);
		return e->state = EDIT_INVALID;
	}
	return finish(e, errors);
}

/* The after-YAML, the diff and the state, once e->patch is built with `errors` errors. */
static enum edit_state finish(struct edit *e, size_t errors)
{
	const char *label = edit_rule_label(e);
	e->patch_text = json_dumps(e->patch, JSON_COMPACT);
	json_t *after = policy_apply_merge_patch(e->base, e->patch);
	e->after_yaml = display_yaml(after);
	json_decref(after);
	char *from = xasprintf("%s (resourceVersion %s)", e->id, str_or(e->base_rv, "?"));
	char *to = xasprintf("%s (after the change)", e->id);
	char *d = linediff_unified(e->base_yaml, e->after_yaml, from, to, 3);
	e->diff = edit_mesh_sanitize_lines(d);
	free(d);
	free(from);
	free(to);
	e->err_kind = APIERR_NONE;
	if (errors) {
		set_message(e, "%s %s: %zu error%s: nothing will be sent", e->id, label, errors,
		            errors == 1 ? "" : "s");
		return e->state = EDIT_INVALID;
	}
	if (!*e->diff) {
		set_message(e, "%s %s: the change leaves the route as it is", e->id, label);
		return e->state = EDIT_NO_CHANGE;
	}
	free(e->message);
	e->message = NULL;
	return e->state = EDIT_READY;
}

static void fail_from(struct edit *e, enum edit_state st, const struct apierr *err, long status,
                      const char *what)
{
	e->err_kind = err && err->kind != APIERR_NONE ? err->kind : APIERR_OTHER;
	if (err && err->message)
		set_message(e, "%s", err->message);
	else
		set_message(e, "%s %s: HTTP %ld", what, e->id, status);
	e->state = st;
}

static bool ok_answer(long status, const struct apierr *err)
{
	return (!err || err->kind == APIERR_NONE) && status >= 200 && status < 300;
}

/* Parse an answer body as the route this edit is about; NULL with a message otherwise. */
static json_t *parse_route(struct edit *e, const char *body, size_t len, const char *what)
{
	json_error_t je;
	json_t *j = body ? json_loadb(body, len, 0, &je) : NULL;
	const json_t *md = json_object_get(j, "metadata");
	const char *kind = json_string_value(json_object_get(j, "kind"));
	const char *name = json_string_value(json_object_get(md, "name"));
	const char *ns = json_string_value(json_object_get(md, "namespace"));
	if (!json_is_object(j) || !name || strcmp(name, e->name) ||
	    (kind && kind_from_name(kind) != (int)e->kind) || (ns && strcmp(ns, e->ns))) {
		set_message(e, "%s %s: the answer is not that route%s%s", what, e->id,
		            j ? "" : ": ", j ? "" : je.text);
		json_decref(j);
		return NULL;
	}
	return j;
}

/* Select rule (index or name) of the base; the message names the rules when not found. */
static int select_rule(struct edit *e, const char *rule)
{
	int i = policy_find_rule(e->base, rule ? rule : "0");
	if (i < 0) {
		const json_t *rules = json_object_get(json_object_get(e->base, "spec"), "rules");
		struct buf b;
		buf_init(&b);
		size_t k;
		const json_t *r;
		json_array_foreach(rules, k, r) {
			const char *n = json_string_value(json_object_get(r, "name"));
			buf_printf(&b, "%s%zu%s%s%s", k ? ", " : "", k, n ? " (" : "", n ? n : "",
			           n ? ")" : "");
		}
		set_message(e, "%s has no rule \"%s\"; its rules are: %s", e->id, rule,
		            b.len ? buf_str(&b) : "0 (the default rule)");
		buf_done(&b);
		e->rule = -1;
		return -1;
	}
	e->rule = i;
	const json_t *r = json_array_get(json_object_get(json_object_get(e->base, "spec"), "rules"),
	                                 (size_t)i);
	const char *n = json_string_value(json_object_get(r, "name"));
	free(e->rule_name);
	free(e->rule_label);
	free(e->rule_key);
	e->rule_key = edit_rule_key_of(r);
	e->rule_name = xstrdup_null(n);
	if (n)
		e->rule_label = xasprintf("rule %d (%s)", i, n);
	else
		e->rule_label = xasprintf("rule %d", i);
	return 0;
}

enum edit_state edit_take_fetch(struct edit *e, long status, const char *body, size_t len,
                                const struct apierr *err)
{
	if (!ok_answer(status, err)) {
		fail_from(e, EDIT_FAILED, err, status, "get");
		return e->state;
	}
	json_t *j = parse_route(e, body, len, "get");
	if (!j) {
		e->err_kind = APIERR_OTHER;
		return e->state = EDIT_FAILED;
	}
	if (e->kind != GT_HTTPROUTE) {
		set_message(e, "%s: only HTTPRoute rules have timeouts and retry (GRPCRoute, TLSRoute, "
		               "TCPRoute and UDPRoute have neither in Gateway API)", e->id);
		json_decref(j);
		e->err_kind = APIERR_NONE;
		return e->state = EDIT_FAILED;
	}
	char *yaml = display_yaml(j);
	const char *rv = json_string_value(json_object_get(json_object_get(j, "metadata"),
	                                                   "resourceVersion"));
	free(e->meanwhile);
	e->meanwhile = NULL;
	if (e->base) {
		char *from = xasprintf("%s (resourceVersion %s, when the edit started)", e->id,
		                       str_or(e->base_rv, "?"));
		char *to = xasprintf("%s (resourceVersion %s, now)", e->id, str_or(rv, "?"));
		char *ya = meanwhile_yaml(e->base), *yb = meanwhile_yaml(j);
		char *d = linediff_unified(ya, yb, from, to, 3);
		e->meanwhile = *d ? edit_mesh_sanitize_lines(d)
		                  : xstrdup("(only status, generation or resourceVersion changed)\n");
		free(d);
		free(ya);
		free(yb);
		free(from);
		free(to);
	}
	if (e->doc && e->base) {
		json_t *nd = edit_doc_rebase(e->base, e->doc, j);
		json_decref(e->doc);
		e->doc = nd;
	}
	json_decref(e->base);
	e->base = j;
	free(e->base_yaml);
	e->base_yaml = yaml;
	free(e->base_rv);
	e->base_rv = xstrdup_null(rv);
	if (!strcmp(e->mesh_opt, "auto"))
		e->mesh = edit_linkerd_detect(j) ? EDIT_MESH_LINKERD : EDIT_MESH_UNKNOWN;
	e->state = EDIT_LOADED;
	if (e->rule >= 0) {
		/* Rebase: find the rule again by its identity (a rule inserted in front moves every
		 * index after it); refused when it is gone or no longer tells one rule. */
		char why[512], idx[16];
		int i = e->rule_key ? edit_rule_find(j, e->rule_key, why, sizeof why) : e->rule;
		if (i < 0) {
			set_message(e, "%s: %s", e->id, why);
			e->rule = -1;
			e->err_kind = APIERR_NONE;
			return e->state = EDIT_FAILED;
		}
		snprintf(idx, sizeof idx, "%d", i);
		if (select_rule(e, idx) < 0) {
			e->err_kind = APIERR_NONE;
			return e->state = EDIT_FAILED;
		}
	}
	return recompute(e);
}

int edit_select_rule(struct edit *e, const char *rule)
{
	if (!e->base) {
		set_message(e, "%s: not read yet", e->id);
		return -1;
	}
	change_free(&e->change);
	e->have_change = e->have_target = false;
	json_decref(e->doc);
	e->doc = NULL;
	if (select_rule(e, rule) < 0)
		return -1;
	recompute(e);
	return 0;
}

int edit_select_rule_key(struct edit *e, const char *key)
{
	char why[512], idx[16], *msg;
	if (!edit_base(e)) {
		msg = xasprintf("%s: not read yet", edit_route_id(e));
		edit_say(e, msg);
		free(msg);
		return -1;
	}
	int i = edit_rule_find(edit_base(e), key, why, sizeof why);
	if (i < 0) {
		msg = xasprintf("%s: %s", edit_route_id(e), why);
		edit_say(e, msg);
		free(msg);
		return -1;
	}
	snprintf(idx, sizeof idx, "%d", i);
	return edit_select_rule(e, idx);
}

void edit_say(struct edit *e, const char *text)
{
	set_message(e, "%s", text);
}

void edit_set_mesh(struct edit *e, const char *mesh)
{
	free(e->mesh_opt);
	e->mesh_opt = xstrdup(mesh ? mesh : "auto");
	if (!strcmp(e->mesh_opt, "linkerd"))
		e->mesh = EDIT_MESH_LINKERD;
	else if (!strcmp(e->mesh_opt, "auto"))
		e->mesh = e->base && edit_linkerd_detect(e->base) ? EDIT_MESH_LINKERD
		                                                  : EDIT_MESH_UNKNOWN;
	else
		e->mesh = EDIT_MESH_OTHER;
	recompute(e);
}

void edit_set_linkerd_annotations(struct edit *e, bool on)
{
	e->annotations = on;
	recompute(e);
}

bool edit_linkerd_annotations(const struct edit *e) { return e->annotations; }

enum edit_state edit_set_change(struct edit *e, const struct edit_change *c)
{
	change_free(&e->change);
	e->change.c = *c;
	const char **src[4] = {&e->change.c.request_timeout, &e->change.c.backend_timeout,
	                       &e->change.c.retry_backoff, &e->change.c.retry_codes};
	for (size_t i = 0; i < 4; i++)
		if (*src[i])
			*src[i] = e->change.strs[i] = xstrdup(*src[i]);
	e->have_change = true;
	e->have_target = false;
	json_decref(e->doc);
	e->doc = NULL;
	if (e->rule < 0) {
		set_message(e, "%s: no rule selected", e->id);
		return e->state;
	}
	return recompute(e);
}

enum edit_state edit_set_document_json(struct edit *e, const json_t *doc)
{
	change_free(&e->change);
	e->have_change = e->have_target = false;
	json_decref(e->doc);
	e->doc = json_deep_copy(doc);
	if (!e->base) {
		set_message(e, "%s: not read yet", e->id);
		return e->state;
	}
	return recompute(e);
}

enum edit_state edit_set_document(struct edit *e, const char *text, size_t len)
{
	char err[512];
	json_t *j = manifest_yaml_to_json(text, len, err, sizeof err);
	if (!j) {
		clear_result(e);
		set_message(e, "%s: the edited document is not valid YAML: %s", e->id, err);
		e->err_kind = APIERR_NONE;
		return e->state = EDIT_INVALID;
	}
	enum edit_state st = edit_set_document_json(e, j);
	json_decref(j);
	return st;
}

char *edit_document_yaml(const struct edit *e)
{
	if (!e->base)
		return NULL;
	json_t *copy = json_deep_copy(e->base);
	json_object_del(json_object_get(copy, "metadata"), "managedFields");
	char *y = manifest_json_to_yaml(copy);
	json_decref(copy);
	return y;
}

enum edit_state edit_set_policy(struct edit *e, const struct policy *target)
{
	change_free(&e->change);
	e->have_change = false;
	e->have_target = true;
	json_decref(e->doc);
	e->doc = NULL;
	e->target = *target;
	if (e->rule < 0) {
		set_message(e, "%s: no rule selected", e->id);
		return e->state;
	}
	return recompute(e);
}

enum edit_state edit_take_dry_run(struct edit *e, long status, const char *body, size_t len,
                                  const struct apierr *err)
{
	if (e->state != EDIT_READY && e->state != EDIT_DRY_RUN_OK &&
	    e->state != EDIT_DRY_RUN_FAILED)
		return e->state;
	e->retry_unsupported = false;
	if (!ok_answer(status, err)) {
		fail_from(e, EDIT_DRY_RUN_FAILED, err, status, "dry-run patch");
		return e->state;
	}
	json_t *j = parse_route(e, body, len, "dry-run patch");
	if (!j) {
		e->err_kind = APIERR_OTHER;
		return e->state = EDIT_DRY_RUN_FAILED;
	}
	json_t *want = policy_apply_merge_patch(e->base, e->patch);
	struct buf b;
	buf_init(&b);
	edit_doc_dropped(want, j, &b);
	json_decref(want);
	json_decref(j);
	e->err_kind = APIERR_NONE;
	if (b.len) {
		e->retry_unsupported = strstr(buf_str(&b), "].retry") != NULL;
		if (e->retry_unsupported)
			set_message(e, "the server's dry-run dropped%s from %s: this cluster's HTTPRoute "
			               "CRD has no retry field (the Gateway API standard channel; retry "
			               "is experimental). Applying would silently do nothing for "
			               "retries. Install the experimental-channel CRD%s",
			            buf_str(&b), e->id,
			            e->mesh == EDIT_MESH_LINKERD ? ", or use --linkerd-annotations: "
			                                           "Linkerd reads retry.linkerd.io/*"
			                                         : "");
		else
			set_message(e, "the server's dry-run dropped%s from %s: the cluster's CRD does "
			               "not have %s; applying would not do what you asked",
			            buf_str(&b), e->id,
			            strchr(buf_str(&b) + 1, ' ') ? "these fields" : "this field");
		buf_done(&b);
		return e->state = EDIT_DRY_RUN_FAILED;
	}
	buf_done(&b);
	set_message(e, "server dry-run: accepted by the API server (validation and admission "
	               "passed, nothing persisted)");
	return e->state = EDIT_DRY_RUN_OK;
}

enum edit_state edit_take_apply(struct edit *e, long status, const char *body, size_t len,
                                const struct apierr *err)
{
	if (!ok_answer(status, err)) {
		enum apierr_kind k = err ? err->kind : APIERR_OTHER;
		if (k == APIERR_CONFLICT) {
			e->err_kind = k;
			set_message(e, "conflict: %s changed after resourceVersion %s was read; nothing "
			               "was overwritten (server: %s)",
			            e->id, str_or(e->base_rv, "?"),
			            err->message ? err->message : "409 Conflict");
			return e->state = EDIT_CONFLICT;
		}
		bool no_answer = k == APIERR_TRANSPORT || k == APIERR_CREDENTIALS ||
		                 k == APIERR_UNAUTHORIZED;
		fail_from(e, no_answer ? EDIT_FAILED : EDIT_REJECTED, err, status, "patch");
		return e->state;
	}
	json_t *j = parse_route(e, body, len, "patch");
	free(e->new_rv);
	e->new_rv = NULL;
	e->err_kind = APIERR_NONE;
	struct buf b;
	buf_init(&b);
	if (j) {
		e->new_rv = xstrdup_null(json_string_value(
			json_object_get(json_object_get(j, "metadata"), "resourceVersion")));
		/* Applied without a dry-run first, pruned fields are only seen now: say so. */
		json_t *want = policy_apply_merge_patch(e->base, e->patch);
		edit_doc_dropped(want, j, &b);
		json_decref(want);
	}
	set_message(e, "applied to %s %s: resourceVersion %s -> %s%s%s%s", e->id,
	            edit_rule_label(e), str_or(e->base_rv, "?"), str_or(e->new_rv, "?"),
	            b.len ? "; but the server dropped" : "", buf_str(&b),
	            b.len ? " (its CRD does not have them)" : "");
	buf_done(&b);
	json_decref(j);
	return e->state = EDIT_APPLIED;
}

enum edit_state edit_state(const struct edit *e) { return e->state; }
const char *edit_message(const struct edit *e) { return e->message ? e->message : ""; }
enum apierr_kind edit_error_kind(const struct edit *e) { return e->err_kind; }
const char *edit_route_id(const struct edit *e) { return e->id; }
int edit_rule_index(const struct edit *e) { return e->doc ? -1 : e->rule; }
const char *edit_rule_key(const struct edit *e) { return e->doc || e->rule < 0 ? NULL : e->rule_key; }

const char *edit_rule_label(const struct edit *e)
{
	if (e->doc)
		return "(the whole route)";
	return e->rule_label ? e->rule_label : "";
}
const char *edit_resource_version(const struct edit *e) { return e->base_rv; }
const char *edit_new_resource_version(const struct edit *e) { return e->new_rv; }
const json_t *edit_base(const struct edit *e) { return e->base; }
const struct policy *edit_current(const struct edit *e) { return &e->current; }
const struct policy *edit_target(const struct edit *e) { return &e->target; }
const struct findings *edit_findings(const struct edit *e) { return &e->findings; }
const char *edit_before_yaml(const struct edit *e) { return e->base_yaml ? e->base_yaml : ""; }
const char *edit_diff(const struct edit *e) { return e->diff ? e->diff : ""; }
const char *edit_patch(const struct edit *e) { return e->patch_text ? e->patch_text : ""; }
const char *edit_meanwhile(const struct edit *e) { return e->meanwhile; }
bool edit_retry_unsupported(const struct edit *e) { return e->retry_unsupported; }
enum edit_mesh edit_mesh(const struct edit *e) { return e->mesh; }

void **edit_io_slot(struct edit *e) { return &e->io; }

const char *const *edit_notes(const struct edit *e, size_t *n)
{
	*n = e->n_notes;
	return (const char *const *)e->notes;
}


/* The four Linkerd annotations of obj ({"key": value or null}). */
static json_t *linkerd_annotations_json(const json_t *obj)
{
	static const char *const keys[] = {EDIT_LINKERD_REQUEST, EDIT_LINKERD_TRY_TIMEOUT,
	                                    EDIT_LINKERD_LIMIT, EDIT_LINKERD_HTTP};
	const json_t *ann = json_object_get(json_object_get(obj, "metadata"), "annotations");
	json_t *out = json_object();
	for (size_t i = 0; i < 4; i++) {
		const json_t *v = json_object_get(ann, keys[i]);
		json_object_set_new(out, keys[i], json_is_string(v) ? json_copy((json_t *)v)
		                                                    : json_null());
	}
	return out;
}

char *edit_audit_json(const struct edit *e, bool after)
{
	json_t *j;
	if (e->doc) {
		json_t *obj = after && e->patch ? policy_apply_merge_patch(e->base, e->patch)
		                                : json_incref(e->base);
		json_t *spec = json_object_get(obj, "spec");
		j = json_pack("{s:O}", "spec", spec ? spec : json_null());
		json_decref(obj);
	} else if (e->annotations) {
		json_t *obj = after && e->patch ? policy_apply_merge_patch(e->base, e->patch)
		                                : json_incref(e->base);
		j = json_pack("{s:o}", "annotations", linkerd_annotations_json(obj));
		json_decref(obj);
	} else {
		j = edit_policy_to_json(after ? &e->target : &e->current);
	}
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return s;
}
