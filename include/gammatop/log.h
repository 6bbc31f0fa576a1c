/* log.h: diagnostic log to a file (never the curses screen). Off unless log_open() is
 * called (--log FILE or GAMMATOP_LOG). Never pass secrets to it. */
#ifndef GAMMATOP_LOG_H
#define GAMMATOP_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Open (append, mode 0600) the log file; returns 0 or -1 with errno set. */
int log_open(const char *path, enum log_level level);
/* Log to a copy of an open descriptor (kubectl-like -v without --log: standard error, which
 * is then shared with the program's own messages rather than reopened over them). */
int log_open_fd(int fd, enum log_level level);
void log_close(void);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
