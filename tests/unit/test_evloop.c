/* test_evloop.c: the poll loop: timers in order, cancellation, descriptor readiness and
 * signals delivered through the self-pipe. */
#include <setjmp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "gammatop/evloop.h"

static char order[16];
static size_t norder;

static void mark(struct evloop *l, void *ud) { order[norder++] = *(const char *)ud; }

static void test_timers(void **state)
{
	struct evloop *l = evloop_new();
	norder = 0;
	evloop_timer_add(l, 30, mark, "c");
	evloop_timer_add(l, 0, mark, "a");
	uint64_t id = evloop_timer_add(l, 10, mark, "x");
	evloop_timer_add(l, 20, mark, "b");
	evloop_timer_cancel(l, id);
	evloop_timer_cancel(l, 9999);
	for (int i = 0; i < 20 && norder < 3; i++)
		evloop_run_once(l, 100);
	assert_int_equal(norder, 3);
	assert_memory_equal(order, "abc", 3);
	evloop_free(l);
}

static void on_read(struct evloop *l, int fd, int ev, void *ud)
{
	char c;
	assert_true(ev & EV_READ);
	assert_int_equal(read(fd, &c, 1), 1);
	*(char *)ud = c;
	evloop_stop(l);
}

static void test_fd(void **state)
{
	struct evloop *l = evloop_new();
	int p[2];
	assert_int_equal(pipe(p), 0);
	char got = 0;
	evloop_watch_fd(l, p[0], EV_READ, on_read, &got);
	assert_int_equal(evloop_run_once(l, 0), 0); /* nothing ready, no timers */
	assert_int_equal(write(p[1], "z", 1), 1);
	evloop_run(l);
	assert_int_equal(got, 'z');
	evloop_unwatch_fd(l, p[0]);
	close(p[0]);
	close(p[1]);
	evloop_free(l);
}

static void on_sig(struct evloop *l, int signo, void *ud)
{
	*(int *)ud = signo;
	evloop_stop(l);
}

static void test_signal(void **state)
{
	struct evloop *l = evloop_new();
	int got = 0;
	assert_int_equal(evloop_signal(l, SIGUSR1, on_sig, &got), 0);
	raise(SIGUSR1);
	evloop_run(l);
	assert_int_equal(got, SIGUSR1);
	evloop_free(l);
}

/* The self-pipe is the process's: a second loop that registers signals while the first
 * lives gets its signals too, and freeing the first does not take the pipe from it. */
static void test_signal_two_loops(void **state)
{
	(void)state;
	struct evloop *a = evloop_new(), *b = evloop_new();
	int got_a = 0, got_b = 0;
	assert_int_equal(evloop_signal(a, SIGUSR1, on_sig, &got_a), 0);
	assert_int_equal(evloop_signal(b, SIGUSR2, on_sig, &got_b), 0);
	raise(SIGUSR2);
	assert_true(evloop_run_once(b, 1000) > 0);
	assert_int_equal(got_b, SIGUSR2);
	evloop_free(a);
	got_b = 0;
	raise(SIGUSR2);
	assert_true(evloop_run_once(b, 1000) > 0);
	assert_int_equal(got_b, SIGUSR2);
	assert_int_equal(got_a, 0);
	evloop_free(b);
	/* A loop made after both were freed still gets its signals. */
	struct evloop *c = evloop_new();
	int got_c = 0;
	assert_int_equal(evloop_signal(c, SIGUSR1, on_sig, &got_c), 0);
	raise(SIGUSR1);
	evloop_run(c);
	assert_int_equal(got_c, SIGUSR1);
	evloop_free(c);
}

static void set_flag(struct evloop *l, void *ud) { *(bool *)ud = true; }

/* run_until returns as soon as the flag is set, or false once max_ms have passed. */
static void test_run_until(void **state)
{
	struct evloop *l = evloop_new();
	bool done = false;
	evloop_timer_add(l, 10, set_flag, &done);
	assert_true(evloop_run_until(l, &done, 0));
	bool never = false;
	evloop_timer_add(l, 60000, set_flag, &never);
	assert_false(evloop_run_until(l, &never, 20));
	assert_false(never);
	evloop_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timers),
		cmocka_unit_test(test_fd),
		cmocka_unit_test(test_signal),
		cmocka_unit_test(test_signal_two_loops),
		cmocka_unit_test(test_run_until),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
