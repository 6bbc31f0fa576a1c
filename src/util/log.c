/* log.c: append-only diagnostic log file with timestamps (see log.h). */
#include "gammatop/log.h"
#include "gammatop/buf.h"
#include "gammatop/str.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static FILE *log_file;
static enum log_level log_max = LOG_INFO;

static int log_use_fd(int fd, enum log_level level)
{
	FILE *f = fdopen(fd, "a");
	if (!f) {
		close(fd);
		return -1;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	log_close();
	log_file = f;
	log_max = level;
	return 0;
}

int log_open(const char *path, enum log_level level)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	return log_use_fd(fd, level);
}

int log_open_fd(int fd, enum log_level level)
{
	int copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (copy < 0)
		return -1;
	return log_use_fd(copy, level);
}

void log_close(void)
{
	if (log_file)
		fclose(log_file);
	log_file = NULL;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *names[] = {"error", "warn", "info", "debug"};
	if (!log_file || level > log_max)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	char when[32];
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	struct buf b;
	buf_init(&b);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	/* One line per entry, and no terminal escapes from the cluster's text for whoever
	 * runs `tail -f` on the log: newlines become spaces, other controls '?'. */
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] == '\n')
			b.data[i] = ' ';
	char *clean = str_sanitize(buf_str(&b));
	fprintf(log_file, "%s.%03ldZ %s %s\n", when, ts.tv_nsec / 1000000, names[level], clean);
	free(clean);
	buf_done(&b);
}
