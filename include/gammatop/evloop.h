/* evloop.h: the single-threaded poll(2) event loop that owns every descriptor: the terminal,
 * the kube layer's and the telemetry collector's curl sockets, child pipes, timers and a
 * signal self-pipe. Lives in util (not ui) so that batch commands, the kube layer and the
 * console all run on the same loop. Callbacks should do little and never draw; the console
 * draws in the after-iteration hook. */
#ifndef GAMMATOP_EVLOOP_H
#define GAMMATOP_EVLOOP_H
#include <stdbool.h>
#include <stdint.h>

#define EV_READ 1
#define EV_WRITE 2

struct evloop;
typedef void (*evloop_fd_cb)(struct evloop *loop, int fd, int events, void *ud);
typedef void (*evloop_timer_cb)(struct evloop *loop, void *ud);
typedef void (*evloop_signal_cb)(struct evloop *loop, int signo, void *ud);
typedef void (*evloop_hook_cb)(struct evloop *loop, void *ud);

struct evloop *evloop_new(void);
/* Frees the loop; restores the default disposition of signals it handled. */
void evloop_free(struct evloop *loop);

/* Watch fd for EV_READ and/or EV_WRITE; calling again for the same fd replaces the watch;
 * events == 0 removes it. */
void evloop_watch_fd(struct evloop *loop, int fd, int events, evloop_fd_cb cb, void *ud);
void evloop_unwatch_fd(struct evloop *loop, int fd);

/* One-shot timer after delay_ms (0 = next iteration). Returns an id > 0 for cancelling. */
uint64_t evloop_timer_add(struct evloop *loop, int64_t delay_ms, evloop_timer_cb cb, void *ud);
/* Cancel a pending timer; unknown or fired ids are ignored. */
void evloop_timer_cancel(struct evloop *loop, uint64_t id);

/* Deliver signo to cb from the loop (through a self-pipe), not from the signal handler.
 * The self-pipe is the process's (made once, never closed); every loop that registers a
 * signal watches it, so two loops can live side by side and freeing one leaves the other's
 * signals working. A signal is delivered by the loop that reads it from the pipe, to the
 * callbacks that loop registered for it. */
int evloop_signal(struct evloop *loop, int signo, evloop_signal_cb cb, void *ud);

/* Called after every iteration that dispatched something (the console draws here). */
void evloop_set_after(struct evloop *loop, evloop_hook_cb cb, void *ud);

/* Wait at most max_wait_ms (-1: until the next timer or descriptor event) and dispatch what
 * is ready. Returns the number of callbacks run. */
int evloop_run_once(struct evloop *loop, int max_wait_ms);
/* Run until *done is true or max_ms have passed (max_ms <= 0: no limit), waking at least
 * once a second. Returns *done: the blocking helpers of batch commands wait like this. */
bool evloop_run_until(struct evloop *loop, const bool *done, long max_ms);
/* Run until evloop_stop(). */
void evloop_run(struct evloop *loop);
void evloop_stop(struct evloop *loop);
bool evloop_stopped(const struct evloop *loop);

#endif
