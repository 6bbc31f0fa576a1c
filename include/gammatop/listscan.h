/* listscan.h: read a Kubernetes list body ({"kind":..,"metadata":{..},"items":[{..},..]})
 * member by member and item by item, without one tree of the whole page: each item is parsed
 * alone (jansson), handed over and freed before the next, so a page of 500 routes never holds
 * 500 trees, and the caller sees metadata (the continue token) before the first item (the
 * API server and gammatop-sim send it first) and may ask for the next page meanwhile. */
#ifndef GAMMATOP_LISTSCAN_H
#define GAMMATOP_LISTSCAN_H
#include <jansson.h>
#include <stddef.h>

/* A top-level member other than "items" (key as sent; value borrowed, valid during the call). */
typedef void (*listscan_member_cb)(const char *key, json_t *value, void *ud);
/* One element of "items" (borrowed; the callback may change it). It lives in an arena that
 * jansson allocates from during the call and that is emptied after it: nothing jansson
 * allocates during the call (json_dumps, json_pack, json_incref'd items) may outlive it; copy
 * out plain C strings (json_dumpb into a buffer of yours, strdup of values). The process must
 * not use jansson from another thread meanwhile. */
typedef void (*listscan_item_cb)(json_t *item, void *ud);

/* Scan body. Returns 0 when it is a JSON object whose "items" (if present) is an array or
 * null and nothing follows it but white space; -1 otherwise (not JSON, another shape, a key
 * with escapes, a duplicate "items"): the callbacks may have run for a part of it, and the
 * caller should parse the body whole to say what is wrong. Elements of items that are not
 * objects are passed on as they are (the caller skips them). */
int listscan(const char *body, size_t len, listscan_member_cb on_member,
             listscan_item_cb on_item, void *ud);

#endif
