/* cmd_source.h: where a batch command's objects come from: --manifests files, or the
 * cluster of the kubeconfig context (listed until every kind is synced). Either way the
 * result is a filled store, so every output reads the same thing. */
#ifndef GAMMATOP_CMD_SOURCE_H
#define GAMMATOP_CMD_SOURCE_H
#include "cmd.h"
#include "gammatop/evloop.h"
#include "gammatop/store.h"

struct kcluster;

struct cmd_source {
	struct gt_store *store; /* owned */
	struct evloop *loop;    /* owned */
	char *description;      /* owned: "manifests: a.yaml" or "context prod (https://...)" */
	char *context, *server; /* owned; NULL for manifests */
	char *user;             /* owned: kubeconfig user name, NULL for manifests */
	struct kcluster *cluster; /* owned: the kube layer's connection, NULL for manifests */
	size_t input_errors;    /* manifest documents or files that could not be read or decoded,
	                         * or cluster objects the model could not decode (already
	                         * reported on stderr); lint exits 2 when non-zero */
};

/* Fill src from o: manifests when given, else the cluster (waits until synced, at most
 * --request-timeout, cmd_timeout_ms). Returns 0, or EXIT_USAGE after printing an error that names the file,
 * context or server. */
int cmd_source_open(const struct cmd_opts *o, struct cmd_source *src);
void cmd_source_close(struct cmd_source *src);

#endif
