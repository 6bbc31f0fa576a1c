/* replay.c: a main() for fuzz targets built without libFuzzer: runs
 * LLVMFuzzerTestOneInput over every file given (files or directories), or, with no
 * arguments, over $GT_SRCDIR/tests/fuzz/corpus/<program name>/. This is how `make check`
 * replays each target's seed corpus and crash reproducers under the sanitizers. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	size_t cap = 4096, len = 0;
	uint8_t *data = malloc(cap);
	size_t r;
	while (data && (r = fread(data + len, 1, cap - len, f)) > 0) {
		len += r;
		if (len == cap)
			data = realloc(data, cap *= 2);
	}
	fclose(f);
	if (!data)
		return -1;
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

static int run_path(const char *path, int *count)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return run_file(path);
	}
	DIR *d = opendir(path);
	if (!d)
		return -1;
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char p[4096];
		snprintf(p, sizeof p, "%s/%s", path, e->d_name);
		rc |= run_path(p, count);
	}
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	int count = 0, rc = 0;
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			rc |= run_path(argv[i], &count);
	} else {
		const char *src = getenv("GT_SRCDIR");
		const char *name = strrchr(argv[0], '/');
		name = name ? name + 1 : argv[0];
		char dir[4096];
		snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", src ? src : ".", name);
		rc = run_path(dir, &count);
	}
	printf("%s: replayed %d inputs\n", argv[0], count);
	if (count == 0) {
		fprintf(stderr, "%s: no corpus inputs found\n", argv[0]);
		return 1;
	}
	return rc ? 1 : 0;
}
