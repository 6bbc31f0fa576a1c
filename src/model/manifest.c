/* manifest.c: Kubernetes manifests (YAML or JSON) -> jansson documents -> the store (see
 * manifest.h). Scalars are typed by the YAML 1.2 core schema (see manifest_yaml.c). Anchors,
 * aliases and merge keys work; alias expansion is bounded (billion-laughs protection), as is
 * nesting depth. A parse error is reported as file:line and reading goes on
 * with the next `---` document. */
#include "gammatop/manifest.h"
#include "manifest_yaml.h"
#include "gammatop/buf.h"
#include "gammatop/decode.h"
#include "gammatop/store.h"
#include "gammatop/str.h"
#include "gammatop/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#define MAX_DEPTH 100               /* nesting levels in one document */
#define MAX_EXPANSION 1000000       /* nodes added by aliases in one document */
#define MAX_FILE (64 * 1024 * 1024) /* bytes in one manifest file */
#define MAX_DIR_DEPTH 32

/* ---- YAML -> JSON ---- */

struct frame {
	json_t *node;     /* array or object */
	bool is_map;
	char *key;        /* mapping: the key awaiting its value */
	bool key_merge;   /* the key is a plain "<<" */
	json_t *merged;   /* keys that came from a merge (explicit keys may override them) */
	char *anchor;
	size_t size;      /* nodes in this subtree, aliases counted expanded */
	bool items;       /* the root mapping's "items" list: record element lines */
	int line;         /* where it starts */
};

struct anchor {
	char *name;
	json_t *node;
	size_t size;
};

struct yb {
	struct frame st[MAX_DEPTH + 1];
	int depth;
	struct anchor *anchors;
	size_t n_anchors, cap_anchors;
	json_t *anchor_index; /* name -> index of its latest definition in anchors */
	size_t expanded;
	json_t *root;
	int *item_lines;
	size_t n_items, cap_items;
	char err[320];
	int err_line;
};

static void yb_fail(struct yb *b, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void yb_fail(struct yb *b, int line, const char *fmt, ...)
{
	if (b->err[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b->err, sizeof b->err, fmt, ap);
	va_end(ap);
	b->err_line = line;
}

static void yb_reset(struct yb *b)
{
	while (b->depth > 0) {
		struct frame *f = &b->st[--b->depth];
		json_decref(f->node);
		json_decref(f->merged);
		free(f->key);
		free(f->anchor);
	}
	for (size_t i = 0; i < b->n_anchors; i++) {
		free(b->anchors[i].name);
		json_decref(b->anchors[i].node);
	}
	free(b->anchors);
	b->anchors = NULL;
	b->n_anchors = b->cap_anchors = 0;
	json_decref(b->anchor_index);
	b->anchor_index = NULL;
	b->expanded = 0;
	json_decref(b->root);
	b->root = NULL;
	b->n_items = 0;
}

static void add_anchor(struct yb *b, const char *name, json_t *node, size_t size)
{
	if (!name)
		return;
	if (b->n_anchors == b->cap_anchors) {
		b->cap_anchors = b->cap_anchors ? b->cap_anchors * 2 : 16;
		b->anchors = xreallocarray(b->anchors, b->cap_anchors, sizeof *b->anchors);
	}
	if (!b->anchor_index)
		b->anchor_index = json_object();
	json_object_set_new_nocheck(b->anchor_index, name, json_integer((json_int_t)b->n_anchors));
	b->anchors[b->n_anchors].name = xstrdup(name);
	b->anchors[b->n_anchors].node = json_incref(node);
	b->anchors[b->n_anchors].size = size;
	b->n_anchors++;
}

static void merge_into(struct yb *b, struct frame *f, json_t *src, int line)
{
	if (json_is_array(src)) {
		for (size_t i = 0; i < json_array_size(src); i++)
			merge_into(b, f, json_array_get(src, i), line);
		return;
	}
	if (!json_is_object(src)) {
		yb_fail(b, line, "a merge key (<<) needs a mapping or a list of mappings");
		return;
	}
	if (!f->merged)
		f->merged = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(src, k, v) {
		if (json_object_get(f->node, k))
			continue; /* explicit keys and earlier merges win */
		json_object_set(f->node, k, v);
		json_object_set_new(f->merged, k, json_true());
	}
}

/* Attach a finished value (reference stolen) to the current container. */
static void attach(struct yb *b, json_t *v, size_t size, int line)
{
	if (!b->depth) {
		json_decref(b->root);
		b->root = v;
		return;
	}
	struct frame *f = &b->st[b->depth - 1];
	f->size += size;
	if (!f->is_map) {
		if (f->items) {
			if (b->n_items == b->cap_items) {
				b->cap_items = b->cap_items ? b->cap_items * 2 : 64;
				b->item_lines = xreallocarray(b->item_lines, b->cap_items, sizeof(int));
			}
			b->item_lines[b->n_items++] = line;
		}
		json_array_append_new(f->node, v);
		return;
	}
	if (!f->key) {
		json_decref(v);
		yb_fail(b, line, "mapping keys must be scalars");
		return;
	}
	if (f->key_merge) {
		merge_into(b, f, v, line);
		json_decref(v);
	} else if (json_object_get(f->node, f->key) &&
	           !(f->merged && json_object_get(f->merged, f->key))) {
		json_decref(v);
		char k[80];
		yb_fail(b, line, "duplicate key \"%s\"", str_sanitize_into(k, sizeof k, f->key));
	} else {
		if (f->merged)
			json_object_del(f->merged, f->key);
		json_object_set_new(f->node, f->key, v);
	}
	free(f->key);
	f->key = NULL;
	f->key_merge = false;
}

static bool tag_is(const yaml_char_t *tag, const char *name)
{
	return tag && !strcmp((const char *)tag, name);
}

static json_t *scalar_value(struct yb *b, const yaml_event_t *e, int line)
{
	const char *s = (const char *)e->data.scalar.value;
	size_t len = e->data.scalar.length;
	const yaml_char_t *tag = e->data.scalar.tag;
	bool plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	if (tag_is(tag, YAML_STR_TAG) || (!plain && !tag) || tag_is(tag, "!")) {
		json_t *v = json_stringn_nocheck(s, len);
		return v;
	}
	json_t *v = manifest_yaml_plain(s, len);
	char shown[48];
	if (tag_is(tag, YAML_INT_TAG) && !json_is_integer(v)) {
		json_decref(v);
		yb_fail(b, line, "\"%s\" is not an integer (!!int)", str_sanitize_into(shown, sizeof shown, s));
		return json_null();
	}
	if (tag_is(tag, YAML_FLOAT_TAG) && json_is_integer(v)) {
		json_t *r = json_real((double)json_integer_value(v));
		json_decref(v);
		return r;
	}
	if (tag_is(tag, YAML_BOOL_TAG) && !json_is_boolean(v)) {
		json_decref(v);
		yb_fail(b, line, "\"%s\" is not a boolean (!!bool)", str_sanitize_into(shown, sizeof shown, s));
		return json_null();
	}
	if (tag_is(tag, YAML_NULL_TAG) && !json_is_null(v)) {
		json_decref(v);
		return json_null();
	}
	return v ? v : json_stringn_nocheck(s, len);
}

/* Handle one parser event. Returns 1 when a document is complete in b->root. */
static int on_event(struct yb *b, yaml_event_t *e, int line)
{
	switch (e->type) {
	case YAML_DOCUMENT_START_EVENT:
		yb_reset(b);
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		return 1;
	case YAML_SCALAR_EVENT: {
		struct frame *f = b->depth ? &b->st[b->depth - 1] : NULL;
		const char *anchor = (const char *)e->data.scalar.anchor;
		if (f && f->is_map && !f->key) {
			if (strlen((const char *)e->data.scalar.value) != e->data.scalar.length) {
				yb_fail(b, line, "a mapping key contains a NUL character");
				return 0;
			}
			f->key = xstrdup((const char *)e->data.scalar.value);
			f->key_merge = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
			               !strcmp(f->key, "<<");
			if (anchor) {
				json_t *k = json_string_nocheck(f->key);
				add_anchor(b, anchor, k, 1);
				json_decref(k);
			}
			return 0;
		}
		json_t *v = scalar_value(b, e, line);
		add_anchor(b, anchor, v, 1);
		attach(b, v, 1, line);
		return 0;
	}
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		if (b->depth >= MAX_DEPTH) {
			yb_fail(b, line, "nesting deeper than %d levels", MAX_DEPTH);
			return 0;
		}
		struct frame *parent = b->depth ? &b->st[b->depth - 1] : NULL;
		bool map = e->type == YAML_MAPPING_START_EVENT;
		if (parent && parent->is_map && !parent->key) {
			yb_fail(b, line, "mapping keys must be scalars");
			return 0;
		}
		struct frame *f = &b->st[b->depth++];
		memset(f, 0, sizeof *f);
		f->is_map = map;
		f->node = map ? json_object() : json_array();
		f->size = 1;
		const yaml_char_t *a = map ? e->data.mapping_start.anchor : e->data.sequence_start.anchor;
		f->anchor = a ? xstrdup((const char *)a) : NULL;
		f->items = !map && b->depth == 2 && parent->key && !strcmp(parent->key, "items");
		f->line = line;
		return 0;
	}
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT: {
		struct frame f = b->st[--b->depth];
		json_decref(f.merged);
		free(f.key);
		add_anchor(b, f.anchor, f.node, f.size);
		free(f.anchor);
		attach(b, f.node, f.size, f.line);
		return 0;
	}
	case YAML_ALIAS_EVENT: {
		const char *name = (const char *)e->data.alias.anchor;
		json_t *at = b->anchor_index ? json_object_get(b->anchor_index, name) : NULL;
		if (at) {
			size_t i = (size_t)json_integer_value(at);
			struct frame *f = b->depth ? &b->st[b->depth - 1] : NULL;
			json_t *v = b->anchors[i].node;
			if (f && f->is_map && !f->key) {
				if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
					yb_fail(b, line, json_is_string(v) ? "a mapping key contains a NUL character"
					                                   : "mapping keys must be scalars");
					return 0;
				}
				f->key = xstrdup(json_string_value(v));
				return 0;
			}
			b->expanded += b->anchors[i].size;
			if (b->expanded > MAX_EXPANSION) {
				yb_fail(b, line, "aliases expand to more than %d nodes", MAX_EXPANSION);
				return 0;
			}
			attach(b, json_incref(v), b->anchors[i].size, line);
			return 0;
		}
		char a[64];
		yb_fail(b, line, "unknown alias *%s", str_sanitize_into(a, sizeof a, name));
		return 0;
	}
	default: return 0;
	}
}

/* A document ready for the callback; item_lines: where the root's items start. */
typedef int (*doc_fn)(json_t *doc, int line, const int *item_lines, size_t n_items, void *ud);

/* Parse text (lines numbered from line0+1). Calls fn for each non-empty document; errors
 * go to on_err(line, msg). After an error, parsing resumes at the next "---" line. Returns
 * non-zero when fn asked to stop. */
static int parse_yaml(const char *text, size_t len, int line0, doc_fn fn,
                      void (*on_err)(int line, const char *msg, void *ud), void *ud)
{
	struct yb b;
	memset(&b, 0, sizeof b);
	size_t off = 0;
	int stop = 0, last_err = 0;
	while (off <= len && !stop) {
		yaml_parser_t p;
		yaml_parser_initialize(&p);
		yaml_parser_set_input_string(&p, (const unsigned char *)text + off, len - off);
		int doc_line = 0;
		bool done = false;
		size_t fail_at = 0;
		while (!done && !stop) {
			yaml_event_t e;
			if (!yaml_parser_parse(&p, &e)) {
				char m[320];
				int n = snprintf(m, sizeof m, "%s%s%s", p.problem ? p.problem : "invalid YAML",
				                 p.context ? " " : "", p.context ? p.context : "");
				/* libyaml may notice the problem only at the end of the input; say where
				 * the unfinished construct began too. */
				if (p.context && p.context_mark.line != p.problem_mark.line && n > 0 &&
				    (size_t)n < sizeof m)
					snprintf(m + n, sizeof m - (size_t)n, " (started at line %d)",
					         line0 + (int)p.context_mark.line + 1);
				int el = line0 + (int)p.problem_mark.line + 1;
				if (el != last_err) /* a restart at the failing "---" line reports it once */
					on_err(el, m, ud);
				last_err = el;
				fail_at = off + p.problem_mark.index;
				break;
			}
			int line = line0 + (int)e.start_mark.line + 1;
			if (e.type == YAML_STREAM_END_EVENT)
				done = true;
			if ((e.type == YAML_MAPPING_START_EVENT || e.type == YAML_SEQUENCE_START_EVENT ||
			     e.type == YAML_SCALAR_EVENT || e.type == YAML_ALIAS_EVENT) && b.depth == 0)
				doc_line = line;
			int complete = b.err[0] ? e.type == YAML_DOCUMENT_END_EVENT : on_event(&b, &e, line);
			if (e.type == YAML_DOCUMENT_END_EVENT) {
				if (b.err[0])
					on_err(b.err_line, b.err, ud);
				else if (complete && b.root && !json_is_null(b.root))
					stop = fn(b.root, doc_line, b.item_lines, b.n_items, ud);
				b.err[0] = '\0';
				yb_reset(&b);
			}
			yaml_event_delete(&e);
		}
		yaml_parser_delete(&p);
		yb_reset(&b);
		b.err[0] = '\0';
		if (done || stop)
			break;
		/* resume at the first line from the error's line on that starts a document (past
		 * where this pass started, so reading always moves forward) */
		const char *q = text + (fail_at < len ? fail_at : len);
		while (q > text + off && q[-1] != '\n')
			q--;
		const char *next = NULL;
		for (; q < text + len; q++) {
			bool bol = q == text || q[-1] == '\n';
			if (bol && q > text + off && (size_t)(text + len - q) >= 3 && !memcmp(q, "---", 3) &&
			    (q + 3 == text + len || strchr(" \t\r\n", q[3]))) {
				next = q;
				break;
			}
		}
		if (!next)
			break;
		for (const char *c = text + off; c < next; c++)
			line0 += *c == '\n';
		off = (size_t)(next - text);
	}
	free(b.item_lines);
	return stop;
}

/* ---- documents, Lists and the callback ---- */

struct reader {
	const char *name;
	manifest_cb cb;
	void *ud;
	struct diag *diag;
	int stop;
	const int *item_lines; /* lines of the root items (YAML only) */
	size_t n_item_lines;
};

static int deliver(struct reader *r, json_t *doc, int line, int depth)
{
	if (!json_is_object(doc)) {
		diag_add(r->diag, DIAG_ERROR, "%s:%d: expected a mapping (a Kubernetes object), got %s",
		         r->name, line,
		         json_is_array(doc) ? "a list" : json_is_string(doc) ? "a string" : "a scalar");
		return 0;
	}
	const char *kind = json_string_value(json_object_get(doc, "kind"));
	json_t *items = json_object_get(doc, "items");
	if (kind && str_ends(kind, "List") && json_is_array(items) && depth < 3) {
		const char *api = json_string_value(json_object_get(doc, "apiVersion"));
		size_t klen = strlen(kind) - 4;
		for (size_t i = 0; i < json_array_size(items); i++) {
			json_t *it = json_array_get(items, i);
			int l = depth == 0 && i < r->n_item_lines ? r->item_lines[i] : line;
			/* typed lists (ServiceList) from the API leave kind/apiVersion out of items */
			if (json_is_object(it) && klen && !json_object_get(it, "kind"))
				json_object_set_new(it, "kind", json_stringn(kind, klen));
			if (json_is_object(it) && api && klen && !json_object_get(it, "apiVersion"))
				json_object_set_new(it, "apiVersion", json_string(api));
			if (deliver(r, it, l, depth + 1))
				return 1;
		}
		return 0;
	}
	return r->cb(doc, r->name, line, r->ud) != 0;
}

static void on_yaml_err(int line, const char *msg, void *ud)
{
	struct reader *r = ud;
	diag_add(r->diag, DIAG_ERROR, "%s:%d: %s", r->name, line, msg);
}

static int on_yaml_doc(json_t *doc, int line, const int *item_lines, size_t n_items, void *ud)
{
	struct reader *r = ud;
	r->item_lines = item_lines;
	r->n_item_lines = n_items;
	r->stop = deliver(r, doc, line, 0);
	r->item_lines = NULL;
	r->n_item_lines = 0;
	return r->stop;
}

/* Collections nested in j (0 for a scalar), the way the YAML reader counts them; the count
 * stops growing once past MAX_DEPTH. above: collections around j. */
static int json_depth(const json_t *j, int above)
{
	if (!json_is_object(j) && !json_is_array(j))
		return 0;
	if (above >= MAX_DEPTH)
		return 1;
	int max = 0;
	if (json_is_object(j)) {
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)j, k, v) {
			int x = json_depth(v, above + 1);
			max = x > max ? x : max;
		}
	} else {
		for (size_t i = 0; i < json_array_size(j); i++) {
			int x = json_depth(json_array_get(j, i), above + 1);
			max = x > max ? x : max;
		}
	}
	return 1 + max;
}

/* See manifest.h. Returns 0, or 1 when the callback stopped the reading. */
int manifest_read_text(const char *text, size_t len, const char *name, manifest_cb cb, void *ud,
                       struct diag *diag)
{
	struct reader r = {.name = name ? name : "<input>", .cb = cb, .ud = ud, .diag = diag};
	if (!text)
		return -1;
	size_t i = 0;
	while (i < len && strchr(" \t\r\n", text[i]))
		i++;
	if (i < len && (text[i] == '{' || text[i] == '[')) {
		json_t *j = json_loadb(text, len, 0, NULL);
		if (j && json_depth(j, 0) > MAX_DEPTH) {
			diag_add(diag, DIAG_ERROR, "%s:1: nesting deeper than %d levels", r.name, MAX_DEPTH);
			json_decref(j);
			return 0;
		}
		if (j) {
			int line = 1;
			for (size_t k = 0; k < i; k++)
				line += text[k] == '\n';
			r.stop = deliver(&r, j, line, 0);
			json_decref(j);
			return r.stop;
		}
	}
	return parse_yaml(text, len, 0, on_yaml_doc, on_yaml_err, &r);
}

/* ---- files and directories ---- */

static int read_file(const char *path, manifest_cb cb, void *ud, struct diag *diag)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		diag_add(diag, DIAG_ERROR, "%s: %s", path, strerror(errno));
		return -1;
	}
	struct buf b;
	buf_init(&b);
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + n > MAX_FILE) {
			diag_add(diag, DIAG_ERROR, "%s: larger than %d MiB; not read", path,
			         MAX_FILE / (1024 * 1024));
			fclose(f);
			buf_done(&b);
			return -1;
		}
		buf_append(&b, chunk, n);
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		diag_add(diag, DIAG_ERROR, "%s: read error", path);
		buf_done(&b);
		return -1;
	}
	int r = manifest_read_text(buf_str(&b), b.len, path, cb, ud, diag);
	buf_done(&b);
	return r;
}

static bool manifest_name(const char *n)
{
	return str_ends(n, ".yaml") || str_ends(n, ".yml") || str_ends(n, ".json");
}

static int cmp_names(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Returns -1 when dir cannot be listed, 1 when the callback stopped, else 0. */
static int walk(const char *dir, int depth, manifest_cb cb, void *ud, struct diag *diag)
{
	struct dirent **list;
	int n = scandir(dir, &list, NULL, cmp_names);
	if (n < 0) {
		diag_add(diag, DIAG_ERROR, "%s: %s", dir, strerror(errno));
		return -1;
	}
	int stop = 0;
	for (int i = 0; i < n; i++) {
		const char *name = list[i]->d_name;
		if (!stop && name[0] != '.') {
			char *p = xasprintf("%s%s%s", dir, str_ends(dir, "/") ? "" : "/", name);
			struct stat st;
			if (stat(p, &st) < 0) {
				diag_add(diag, DIAG_WARNING, "%s: %s", p, strerror(errno));
			} else if (S_ISDIR(st.st_mode)) {
				if (depth >= MAX_DIR_DEPTH)
					diag_add(diag, DIAG_WARNING, "%s: deeper than %d directories; skipped",
					         p, MAX_DIR_DEPTH);
				else
					stop = walk(p, depth + 1, cb, ud, diag) == 1;
			} else if (S_ISREG(st.st_mode) && manifest_name(name)) {
				stop = read_file(p, cb, ud, diag) == 1;
			}
			free(p);
		}
		free(list[i]);
	}
	free(list);
	return stop;
}

/* See manifest.h. */
int manifest_read(const char *path, manifest_cb cb, void *ud, struct diag *diag)
{
	struct stat st;
	if (!path || stat(path, &st) < 0) {
		diag_add(diag, DIAG_ERROR, "%s: %s", path ? path : "(null)", strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return walk(path, 0, cb, ud, diag) < 0 ? -1 : 0;
	return read_file(path, cb, ud, diag) < 0 ? -1 : 0;
}

/* ---- into the store ---- */

struct load {
	struct gt_store *store;
	struct diag *diag;
	int added;
};

static int load_doc(const json_t *doc, const char *file, int line, void *ud)
{
	struct load *l = ud;
	struct gt_object *o;
	char err[512];
	switch (decode_object(doc, &o, err, sizeof err)) {
	case DECODE_OK: {
		if (store_get(l->store, o->kind, object_ns(o), o->meta.name)) {
			char id[256];
			diag_add(l->diag, DIAG_WARNING, "%s:%d: %s is defined again; this definition wins",
			         file, line, object_id(o, id, sizeof id));
		}
		store_put(l->store, o);
		l->added++;
		break;
	}
	case DECODE_SKIPPED: diag_add(l->diag, DIAG_NOTE, "%s:%d: skipped: %s", file, line, err); break;
	case DECODE_ERROR: diag_add(l->diag, DIAG_ERROR, "%s:%d: %s", file, line, err); break;
	}
	return 0;
}

/* See manifest.h. */
int manifest_load_store(struct gt_store *store, const char *const *paths, size_t n_paths,
                        struct diag *diag)
{
	struct load l = {store, diag, 0};
	bool unreadable = false;
	for (size_t i = 0; i < n_paths; i++)
		if (manifest_read(paths[i], load_doc, &l, diag) < 0)
			unreadable = true;
	return unreadable ? -1 : l.added;
}

/* ---- one document: YAML -> JSON ---- */

struct one {
	json_t *doc;
	int docs;
	char *err;
	size_t errlen;
	bool failed;
};

static int one_doc(json_t *doc, int line, const int *item_lines, size_t n_items, void *ud)
{
	(void)item_lines, (void)n_items;
	struct one *o = ud;
	if (++o->docs == 1) {
		o->doc = json_incref(doc);
		return 0;
	}
	if (!o->failed && o->err && o->errlen)
		snprintf(o->err, o->errlen, "line %d: expected one YAML document, found more", line);
	o->failed = true;
	return 1;
}

static void one_err(int line, const char *msg, void *ud)
{
	struct one *o = ud;
	if (!o->failed && o->err && o->errlen)
		snprintf(o->err, o->errlen, "line %d: %s", line, msg);
	o->failed = true;
}

/* See manifest.h. Errors read "line N: problem". */
json_t *manifest_yaml_to_json(const char *text, size_t len, char *err, size_t errlen)
{
	struct one o = {.err = err, .errlen = errlen};
	if (err && errlen)
		err[0] = '\0';
	parse_yaml(text ? text : "", text ? len : 0, 0, one_doc, one_err, &o);
	if (o.failed) {
		json_decref(o.doc);
		return NULL;
	}
	if (!o.doc && err && errlen)
		snprintf(err, errlen, "no YAML document");
	return o.doc;
}
