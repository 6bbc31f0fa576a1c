/* state.c: saving the simulator's objects (with their resourceVersions, uids and
 * managedFields) to a JSON file and loading them back, so a restarted sim serves the same
 * state with the same versions. The event history is not saved: watches from before the
 * restart get 410 Expired, as after an etcd compaction. */
#include "config.h"
#include "sim.h"

#include "gammatop/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "traffic_glue.h"

int state_save(struct sim *s, const char *path, char *err, size_t errlen)
{
	pthread_mutex_lock(&s->lock);
	json_t *objs = json_array();
	for (int r = 0; r < RES_COUNT; r++) {
		const struct obj_table *t = &s->objs.tables[r];
		for (size_t i = 0; i < t->n; i++)
			json_array_append_new(objs, json_pack("{s:s, s:O}", "resource", resource_get(r)->resource,
			                                      "object", t->v[i].obj));
	}
	json_t *doc = json_pack("{s:s, s:i, s:I, s:I, s:o}", "kind", "GammatopSimState", "version", 1,
	                        "resourceVersion", (json_int_t)s->objs.rv, "uidSeq",
	                        (json_int_t)s->objs.uid_seq, "objects", objs);
	pthread_mutex_unlock(&s->lock);
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	int rc = json_dump_file(doc, tmp, JSON_COMPACT);
	json_decref(doc);
	if (rc != 0 || rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot save the state to %s: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

int state_load(struct sim *s, const char *path, char *err, size_t errlen)
{
	json_error_t je;
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "cannot read the state %s: %s", path, strerror(errno));
		return -1;
	}
	json_t *doc = json_loadf(f, 0, &je);
	fclose(f);
	if (!doc) {
		snprintf(err, errlen, "%s:%d: not a gammatop-sim state file: %s", path, je.line, je.text);
		return -1;
	}
	const char *kind = json_str(doc, "kind");
	json_t *objs = json_object_get(doc, "objects");
	if (!kind || strcmp(kind, "GammatopSimState") != 0 || !json_is_array(objs)) {
		snprintf(err, errlen, "%s: not a gammatop-sim state file", path);
		json_decref(doc);
		return -1;
	}
	size_t i;
	json_t *e;
	objects_begin_bulk(&s->objs);
	json_array_foreach(objs, i, e) {
		const char *res = json_str(e, "resource");
		json_t *obj = json_object_get(e, "object");
		int r = -1;
		for (int k = 0; k < RES_COUNT && res; k++)
			if (strcmp(resource_get(k)->resource, res) == 0)
				r = k;
		if (r < 0 || !json_is_object(obj) || !meta_str(obj, "name") || !meta_str(obj, "resourceVersion")) {
			snprintf(err, errlen, "%s: object %zu is damaged", path, i);
			objects_end_bulk(&s->objs);
			json_decref(doc);
			return -1;
		}
		objects_restore(&s->objs, r, json_incref(obj));
		traffic_glue_route(s, r, obj, false);
	}
	objects_end_bulk(&s->objs);
	json_int_t rv = json_integer_value(json_object_get(doc, "resourceVersion"));
	json_int_t uid = json_integer_value(json_object_get(doc, "uidSeq"));
	objects_set_rv(&s->objs, rv > 0 ? (uint64_t)rv : 0);
	if (uid > 0 && (uint64_t)uid > s->objs.uid_seq)
		s->objs.uid_seq = (uint64_t)uid;
	json_decref(doc);
	return 1;
}
