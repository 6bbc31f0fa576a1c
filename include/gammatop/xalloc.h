/* xalloc.h: allocation that never returns NULL. Out of memory is fatal: the registered
 * fatal hook (the console restores the terminal) runs, a message goes to stderr, and the
 * process exits with status 70. */
#ifndef GAMMATOP_XALLOC_H
#define GAMMATOP_XALLOC_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array of nmemb elements of size to hold at least need elements (doubling). */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
/* xstrdup that maps NULL to NULL. */
char *xstrdup_null(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh heap string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Called once, before exiting, when an allocation fails (e.g. to run endwin()). */
void xalloc_set_fatal_hook(void (*hook)(void));

#endif
