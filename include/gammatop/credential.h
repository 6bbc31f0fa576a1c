/* credential.h: the kubeconfig user's credentials at request time: a static token, a token
 * file (re-read at most once a minute), client certificate + key (in memory), basic auth, or
 * an exec plugin (client.authentication.k8s.io v1/v1beta1) run without a terminal, bounded
 * in time (on time-out its whole process group is killed: nothing it started survives),
 * its ExecCredential cached until it expires or the server answers 401. Secrets
 * never go to logs or error texts (a plugin's stderr is shown on failure, as kubectl does). */
#ifndef GAMMATOP_CREDENTIAL_H
#define GAMMATOP_CREDENTIAL_H
#include <stdbool.h>

#include "gammatop/evloop.h"
#include "gammatop/http.h"
#include "gammatop/kubeconfig.h"

struct credential;

/* kc is borrowed and must outlive the credential. */
struct credential *credential_new(const struct kubeconfig *kc, struct evloop *loop);
void credential_free(struct credential *c);

/* error is NULL when a credential is ready, else a message naming the plugin or file. */
typedef void (*credential_cb)(const char *error, void *ud);
/* Make sure a current credential is at hand. cb is called exactly once: right away when
 * nothing needs to run, else from the loop when the exec plugin has finished. */
void credential_ensure(struct credential *c, credential_cb cb, void *ud);
/* Forget a waiter registered with credential_ensure (e.g. its request was cancelled). */
void credential_forget(struct credential *c, void *ud);
/* Changes whenever a new credential is obtained (exec run, token file change). */
unsigned credential_generation(const struct credential *c);
/* The server said 401 to a request sent with generation gen: drop a cached exec credential
 * and force a token file re-read (unless a newer credential was obtained since gen, which is
 * then used as is). Returns true when asking again may give a different credential. */
bool credential_invalidate(struct credential *c, unsigned gen);
/* Put the current credential into o (token / basic auth) and tls (client cert/key, CA,
 * insecure, server name). Pointers stay valid until the next ensure/invalidate. Nothing is
 * sent over plain http:// (like kubectl). */
void credential_apply(struct credential *c, struct http_opts *o, struct http_tls *tls);
/* While an exec plugin is running (a batch command that gives up waiting asks):
 * "exec plugin aws did not answer in 30 s (user 'u' in FILE)", which the caller frees;
 * NULL when none is running. */
char *credential_pending(const struct credential *c);
/* How many times the exec plugin has run (for tests and --stats). */
unsigned credential_exec_runs(const struct credential *c);
/* Batch commands (no console): let an exec plugin whose interactiveMode allows it use the
 * terminal when stdin is one (stdin and stderr inherited, as kubectl does: MFA prompts,
 * device-code logins; time limit at least 5 minutes). Default: never (the console owns the
 * terminal; plugins run with stdin from /dev/null and their stderr captured). */
void credential_set_terminal(struct credential *c, bool allowed);
/* Is an exec plugin running and talking to the user (it has the terminal, or it wrote to
 * stderr: a device-code or MFA prompt)? That is a login, not a hang. */
bool credential_logging_in(const struct credential *c);
/* Batch commands: copy a plugin's stderr to ours line by line while it runs, as kubectl
 * does (device-code prompts), also when it has no terminal. Default: captured, shown only
 * when it fails. */
void credential_set_stderr(struct credential *c, bool forward);
/* The console: each line of a plugin's stderr (sanitised) goes to fn while it runs (NULL:
 * captured again, shown only on failure). */
typedef void (*credential_line_fn)(const char *line, void *ud);
void credential_set_stderr_fn(struct credential *c, credential_line_fn fn, void *ud);
/* Exec plugin time limit in ms (default 60000). */
void credential_set_exec_timeout(struct credential *c, long ms);

#endif
