/* jdoc.h: the change journal's form of an API object, and who changed it.
 *
 * The form (jdoc_from_api) keeps what a change or a time-travel replay needs and nothing
 * secret: apiVersion, kind, metadata (name, namespace, uid, generation, creationTimestamp,
 * labels, annotations) and every other top-level field (spec, status). Dropped: the
 * resourceVersion, managedFields and the rest of metadata. Annotations whose key looks like
 * a credential (token, password, secret, key, credential) have their value replaced by
 * "(redacted)"; kubectl's last-applied-configuration and any value over 1 KiB are replaced by
 * their size and a hash, so a change still shows but the text is never stored.
 *
 * Who: managedFields entries (manager, operation, subresource, time, fieldsV1) say which
 * writer owns which fields (fieldsV1: "f:<name>" for a field, "k:{...}" for the element of a
 * keyed list, "v:<value>" for a set member, "i:<n>" for an index, "." for the element
 * itself; an empty object owns the whole value). jdoc_who names the writer of a change: the
 * entry whose time moved between the two versions (an Update or Apply that changed fields
 * restamps its entry, as kube-apiserver's managedfields updater does:
 * k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager, v1.32), preferring the one that owns
 * the changed fields. Pure: no I/O. */
#ifndef GAMMATOP_JDOC_H
#define GAMMATOP_JDOC_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "gammatop/objdiff.h"

#define JDOC_REDACTED "(redacted)"
#define JDOC_LAST_APPLIED "kubectl.kubernetes.io/last-applied-configuration"

/* The journal form of API object obj (a new reference; NULL when obj is not an object). */
json_t *jdoc_from_api(const json_t *obj);
/* Does an annotation key look like it holds a credential? (case-insensitive: token,
 * password, passwd, secret, key, credential) */
bool jdoc_secret_key(const char *key);
/* 64-bit FNV-1a of v's compact, key-sorted serialisation (0 for NULL): equal documents hash
 * equal. */
uint64_t jdoc_hash(const json_t *v);

/* One managedFields entry. */
struct jdoc_manager {
	char *manager, *operation, *subresource; /* owned; NULL when absent */
	char *time;                              /* owned RFC 3339, NULL when absent */
	int64_t time_ms;                         /* 0 when absent or unreadable */
	json_t *fields;                          /* fieldsV1 (a reference), NULL when absent */
};

struct jdoc_managers {
	struct jdoc_manager *items; /* owned */
	size_t n;
};

/* Read metadata.managedFields of API object obj into *out (entries that are not objects
 * are skipped; nothing is required). */
void jdoc_managers_parse(const json_t *obj, struct jdoc_managers *out);
/* The short form the journal keeps of the last version (no fieldsV1):
 * [{"manager","operation","subresource","time"}]. New reference. */
json_t *jdoc_managers_brief(const struct jdoc_managers *m);
/* Read the short form back (fields stay NULL). */
void jdoc_managers_from_brief(const json_t *j, struct jdoc_managers *out);
void jdoc_managers_done(struct jdoc_managers *m);

/* Does fieldsV1 set fields own the field at path (objdiff path) of doc, or part of it?
 * Keyed list elements ("k:{...}") and set members ("v:...") are matched against doc's
 * element at the path's index. */
bool jdoc_owns(const json_t *fields, const char *path, const json_t *doc);

enum jdoc_who_how {
	JDOC_WHO_UNKNOWN,  /* no managedFields to tell */
	JDOC_WHO_WRITER,   /* the entry restamped between the two versions (and owning the fields) */
	JDOC_WHO_OWNER,    /* the earlier version unknown: the newest entry owning changed fields */
	JDOC_WHO_GUESS,    /* nobody owns the changed fields (a removal): the newest entry */
};

struct jdoc_who {
	const char *manager, *operation; /* point into the `after` list; NULL when unknown */
	int64_t time_ms;                 /* the entry's time, 0 unknown */
	enum jdoc_who_how how;
};

/* Who made the change d (from the version whose managers were `before`, NULL when unknown,
 * to after_doc whose managers are `after`). status: the change is to the status only (then
 * only status-subresource entries are considered, else only the others). */
void jdoc_who(const struct jdoc_managers *before, const struct jdoc_managers *after,
              const struct objdiff *d, const json_t *after_doc, bool status,
              struct jdoc_who *out);

#endif
