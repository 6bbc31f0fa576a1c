/* oidc.h: the deprecated auth-provider "oidc" as kubectl 1.32 still runs it (client-go
 * plugin/pkg/client/auth/oidc/oidc.go): the id-token is used while it is valid (exp more than
 * 10 s away); else the refresh-token is exchanged at the issuer's token endpoint (found in
 * ISSUER/.well-known/openid-configuration) with the client id and secret (HTTP basic, as
 * golang.org/x/oauth2 tries first), and the new id-token (and refresh-token, when the issuer
 * rotates it) are written back into the kubeconfig file the user came from. */
#ifndef GAMMATOP_OIDC_H
#define GAMMATOP_OIDC_H
#include <stddef.h>
#include <time.h>

#include "gammatop/http.h"
#include "gammatop/kubeconfig.h"

/* 1: the JWT's exp is more than 10 s after now; 0: expired (or no exp); -1: not a JWT (err
 * says so, as kubectl: "ID Token is not a valid JWT"). */
int oidc_token_valid(const char *jwt, time_t now, char *err, size_t errlen);

struct oidc_refresh;
/* id_token and refresh_token (the new one, or the old when not rotated) on success; err
 * otherwise. Called once, from the loop. */
typedef void (*oidc_done_cb)(const char *id_token, const char *refresh_token, const char *err,
                             void *ud);
/* Start the refresh of refresh_token (copied; the latest one) (two requests on hc). o is
 * borrowed until cb. */
struct oidc_refresh *oidc_refresh_start(struct http_client *hc, const struct kc_oidc *o,
                                        const char *refresh_token, oidc_done_cb cb, void *ud);
/* Cancel a refresh whose callback has not run. */
void oidc_refresh_cancel(struct oidc_refresh *r);

/* Write the new tokens into the kubeconfig file path, changing only the two values (each old
 * value must occur once; an absent id-token is added beside the refresh-token), atomically
 * (a temporary file renamed over it, its mode kept). 0, or -1 with err. */
int oidc_persist(const char *path, const char *old_id, const char *new_id, const char *old_rt,
                 const char *new_rt, char *err, size_t errlen);

#endif
