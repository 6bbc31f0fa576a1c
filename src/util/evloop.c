/* evloop.c: poll(2) loop with descriptor watches, one-shot timers and a signal self-pipe
 * (see evloop.h). Watches and timers are few (tens), so plain arrays serve. */
#include "gammatop/evloop.h"
#include "gammatop/timeutil.h"
#include "gammatop/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct watch {
	int fd, events;
	evloop_fd_cb cb;
	void *ud;
};

struct timer {
	uint64_t id;
	int64_t due;
	evloop_timer_cb cb;
	void *ud;
};

struct sigwatch {
	int signo;
	evloop_signal_cb cb;
	void *ud;
};

struct evloop {
	struct watch *watches;
	size_t nwatches, capwatches;
	struct timer *timers;
	size_t ntimers, captimers;
	uint64_t next_id;
	struct sigwatch sigs[16];
	size_t nsigs;
	bool watching_sigs; /* sig_pipe[0] is among this loop's watches */
	evloop_hook_cb after;
	void *after_ud;
	bool stopped;
	struct pollfd *pfds;
	size_t cappfds;
};

/* The signal self-pipe is the process's, as signal dispositions are: made by the first
 * evloop_signal() and never closed (close-on-exec), so no loop's end takes it from another.
 * Each loop that registers a signal watches its read end and delivers what it registered. */
static int sig_pipe[2] = {-1, -1};

static void sig_handler(int signo)
{
	int saved = errno;
	unsigned char c = (unsigned char)signo;
	if (sig_pipe[1] >= 0) {
		ssize_t r = write(sig_pipe[1], &c, 1);
		(void)r;
	}
	errno = saved;
}

struct evloop *evloop_new(void)
{
	struct evloop *l = xcalloc(1, sizeof *l);
	l->next_id = 1;
	return l;
}

void evloop_free(struct evloop *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nsigs; i++)
		signal(l->sigs[i].signo, SIG_DFL);
	free(l->watches);
	free(l->timers);
	free(l->pfds);
	free(l);
}

void evloop_watch_fd(struct evloop *l, int fd, int events, evloop_fd_cb cb, void *ud)
{
	for (size_t i = 0; i < l->nwatches; i++) {
		if (l->watches[i].fd != fd)
			continue;
		if (!events) {
			l->watches[i] = l->watches[--l->nwatches];
			return;
		}
		l->watches[i] = (struct watch){fd, events, cb, ud};
		return;
	}
	if (!events)
		return;
	if (l->nwatches == l->capwatches) {
		l->capwatches = l->capwatches ? l->capwatches * 2 : 16;
		l->watches = xreallocarray(l->watches, l->capwatches, sizeof *l->watches);
	}
	l->watches[l->nwatches++] = (struct watch){fd, events, cb, ud};
}

void evloop_unwatch_fd(struct evloop *l, int fd) { evloop_watch_fd(l, fd, 0, NULL, NULL); }

uint64_t evloop_timer_add(struct evloop *l, int64_t delay_ms, evloop_timer_cb cb, void *ud)
{
	if (l->ntimers == l->captimers) {
		l->captimers = l->captimers ? l->captimers * 2 : 16;
		l->timers = xreallocarray(l->timers, l->captimers, sizeof *l->timers);
	}
	uint64_t id = l->next_id++;
	l->timers[l->ntimers++] =
		(struct timer){id, time_mono_ms() + (delay_ms > 0 ? delay_ms : 0), cb, ud};
	return id;
}

void evloop_timer_cancel(struct evloop *l, uint64_t id)
{
	for (size_t i = 0; i < l->ntimers; i++) {
		if (l->timers[i].id == id) {
			memmove(&l->timers[i], &l->timers[i + 1],
			        (l->ntimers - i - 1) * sizeof *l->timers);
			l->ntimers--;
			return;
		}
	}
}

static void sig_readable(struct evloop *l, int fd, int events, void *ud)
{
	unsigned char buf[64];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (ssize_t k = 0; k < n; k++)
			for (size_t i = 0; i < l->nsigs; i++)
				if (l->sigs[i].signo == buf[k])
					l->sigs[i].cb(l, buf[k], l->sigs[i].ud);
	}
}

int evloop_signal(struct evloop *l, int signo, evloop_signal_cb cb, void *ud)
{
	if (l->nsigs == sizeof l->sigs / sizeof l->sigs[0])
		return -1;
	if (sig_pipe[0] < 0) {
		if (pipe(sig_pipe) < 0)
			return -1;
		for (int i = 0; i < 2; i++) {
			fcntl(sig_pipe[i], F_SETFL, fcntl(sig_pipe[i], F_GETFL) | O_NONBLOCK);
			fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC);
		}
	}
	if (!l->watching_sigs) {
		evloop_watch_fd(l, sig_pipe[0], EV_READ, sig_readable, NULL);
		l->watching_sigs = true;
	}
	l->sigs[l->nsigs++] = (struct sigwatch){signo, cb, ud};
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = sig_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	return sigaction(signo, &sa, NULL);
}

void evloop_set_after(struct evloop *l, evloop_hook_cb cb, void *ud)
{
	l->after = cb;
	l->after_ud = ud;
}

static int run_due_timers(struct evloop *l)
{
	int ran = 0;
	int64_t now = time_mono_ms();
	/* Timers added by callbacks wait for the next iteration: bound this pass by id. */
	uint64_t limit = l->next_id;
	for (;;) {
		size_t best = l->ntimers;
		for (size_t i = 0; i < l->ntimers; i++)
			if (l->timers[i].due <= now && l->timers[i].id < limit &&
			    (best == l->ntimers || l->timers[i].due < l->timers[best].due))
				best = i;
		if (best == l->ntimers)
			break;
		struct timer t = l->timers[best];
		memmove(&l->timers[best], &l->timers[best + 1],
		        (l->ntimers - best - 1) * sizeof *l->timers);
		l->ntimers--;
		t.cb(l, t.ud);
		ran++;
	}
	return ran;
}

int evloop_run_once(struct evloop *l, int max_wait_ms)
{
	int64_t now = time_mono_ms();
	int timeout = max_wait_ms;
	for (size_t i = 0; i < l->ntimers; i++) {
		int64_t d = l->timers[i].due - now;
		if (d < 0)
			d = 0;
		if (timeout < 0 || d < timeout)
			timeout = (int)(d > 86400000 ? 86400000 : d);
	}
	if (l->cappfds < l->nwatches) {
		l->cappfds = l->nwatches;
		l->pfds = xreallocarray(l->pfds, l->cappfds, sizeof *l->pfds);
	}
	size_t n = l->nwatches;
	for (size_t i = 0; i < n; i++) {
		l->pfds[i].fd = l->watches[i].fd;
		l->pfds[i].events = (short)(((l->watches[i].events & EV_READ) ? POLLIN : 0) |
		                            ((l->watches[i].events & EV_WRITE) ? POLLOUT : 0));
		l->pfds[i].revents = 0;
	}
	int ran = 0;
	int r = poll(l->pfds, n, timeout);
	if (r > 0) {
		for (size_t i = 0; i < n; i++) {
			short re = l->pfds[i].revents;
			if (!re)
				continue;
			int fd = l->pfds[i].fd;
			int ev = ((re & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) ? EV_READ : 0) |
			         ((re & (POLLOUT | POLLERR)) ? EV_WRITE : 0);
			/* The watch may have been removed or replaced by an earlier callback. */
			for (size_t k = 0; k < l->nwatches; k++) {
				if (l->watches[k].fd == fd) {
					struct watch w = l->watches[k];
					if (re & POLLNVAL) /* closed behind our back: drop it */
						evloop_unwatch_fd(l, fd);
					if (ev & w.events || (re & (POLLHUP | POLLERR)))
						w.cb(l, fd, ev, w.ud);
					ran++;
					break;
				}
			}
		}
	}
	ran += run_due_timers(l);
	if (ran && l->after)
		l->after(l, l->after_ud);
	return ran;
}

bool evloop_run_until(struct evloop *l, const bool *done, long max_ms)
{
	int64_t deadline = max_ms > 0 ? time_mono_ms() + max_ms : 0;
	while (!*done) {
		int wait = 1000;
		if (deadline) {
			int64_t left = deadline - time_mono_ms();
			if (left <= 0)
				break;
			if (left < wait)
				wait = (int)left;
		}
		evloop_run_once(l, wait);
	}
	return *done;
}

void evloop_run(struct evloop *l)
{
	l->stopped = false;
	while (!l->stopped)
		evloop_run_once(l, -1);
}

void evloop_stop(struct evloop *l) { l->stopped = true; }

bool evloop_stopped(const struct evloop *l) { return l->stopped; }
