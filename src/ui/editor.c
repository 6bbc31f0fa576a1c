/* editor.c: the console's `E`: the route's YAML in $KUBE_EDITOR / $EDITOR (vi by default),
 * as `kubectl edit` does. The text goes to a 0600 file in a fresh 0700 directory (only the
 * route: no secrets ever reach it), curses is suspended while the editor runs and restored
 * after, and the file and directory are removed whatever happens. */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gammatop/buf.h"
#include "gammatop/screen.h"
#include "gammatop/str.h"
#include "gammatop/ui_edit.h"
#include "gammatop/xalloc.h"

static const char *pick_editor(const char *editor)
{
	if (!str_empty(editor))
		return editor;
	const char *e = getenv("KUBE_EDITOR");
	if (str_empty(e))
		e = getenv("EDITOR");
	return str_empty(e) ? "vi" : e;
}

int ui_editor_run(const char *editor, const char *path, char *err, size_t errlen)
{
	const char *ed = pick_editor(editor);
	bool suspend = screen_is_open() && !screen_headless();
	if (suspend) {
		def_prog_mode();
		endwin();
	}
	/* Through the shell, as kubectl does: "code --wait" and "vim -u NONE" work. */
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execl("/bin/sh", "sh", "-c", "exec $0 \"$1\"", ed, path, (char *)NULL);
		_exit(127);
	}
	int status = 0, rc = 0;
	if (pid < 0) {
		snprintf(err, errlen, "cannot start the editor: %s", strerror(errno));
		rc = -1;
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
			snprintf(err, errlen, "cannot run the editor '%s' (set $KUBE_EDITOR or $EDITOR)", ed);
			rc = -1;
		} else if (!WIFEXITED(status)) {
			snprintf(err, errlen, "the editor '%s' was killed by a signal", ed);
			rc = -1;
		} else {
			rc = WEXITSTATUS(status);
			if (rc)
				snprintf(err, errlen, "the editor '%s' exited with status %d", ed, rc);
		}
	}
	if (suspend) {
		reset_prog_mode();
		refresh();
	}
	return rc;
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

#define MAX_EDITED (4u << 20) /* a route is a few KiB; refuse to read anything absurd */

int ui_editor_edit_text(const char *editor, const char *text, const char *suffix, char **out,
                        char *err, size_t errlen)
{
	*out = NULL;
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/gammatop-edit-XXXXXX", str_empty(tmp) ? "/tmp" : tmp);
	if (!mkdtemp(dir)) { /* mkdtemp makes it 0700 */
		snprintf(err, errlen, "cannot make a private directory for the editor: %s",
		         strerror(errno));
		free(dir);
		return -1;
	}
	char *path = xasprintf("%s/route%s", dir, suffix ? suffix : ".yaml");
	int rc = -1;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	if (write_all(fd, text, strlen(text)) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		close(fd);
		goto out;
	}
	close(fd);
	if (ui_editor_run(editor, path, err, errlen) != 0)
		goto out;
	FILE *f = fopen(path, "r"); /* an editor may have replaced the file: read it by name */
	if (!f) {
		snprintf(err, errlen, "cannot read the edited file: %s", strerror(errno));
		goto out;
	}
	struct buf b;
	buf_init(&b);
	char chunk[4096];
	size_t k;
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= MAX_EDITED)
		buf_append(&b, chunk, k);
	fclose(f);
	if (b.len > MAX_EDITED) {
		snprintf(err, errlen, "the edited file is larger than %u bytes", MAX_EDITED);
		buf_done(&b);
		goto out;
	}
	*out = xstrdup(buf_str(&b));
	buf_done(&b);
	rc = 0;
out:
	unlink(path);
	rmdir(dir);
	free(path);
	free(dir);
	return rc;
}
