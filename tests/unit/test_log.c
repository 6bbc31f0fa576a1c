/* test_log.c: the diagnostic log: nothing is written below the level or before log_open,
 * each entry is one timestamped line, and terminal control characters from the cluster's
 * text (ESC, BEL, newlines) never reach the file raw. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gammatop/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_log_lines(void **state)
{
	char path[] = "/tmp/gt-log-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	log_info("before open: not written");
	assert_int_equal(log_open(path, LOG_INFO), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0077, 0); /* mkstemp made it 0600; open kept it */
	log_debug("below the level: not written");
	log_warn("route %s: %s", "d/evil\x1b]0;owned\x07", "line one\nline two\r");
	log_close();
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char buf[512];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	unlink(path);
	buf[n] = 0;
	assert_null(strstr(buf, "not written"));
	assert_null(memchr(buf, '\x1b', n));
	assert_null(memchr(buf, '\x07', n));
	assert_null(memchr(buf, '\r', n));
	char *nl = strchr(buf, '\n');
	assert_non_null(nl);
	assert_int_equal(nl[1], 0); /* exactly one line */
	assert_non_null(strstr(buf, " warn route d/evil?]0;owned?: line one line two?\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
