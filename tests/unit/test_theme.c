/* test_theme.c: the theme file parser (every error path reported as file:line, parsing goes
 * on), colour names and depth mapping, lookup by name and file, the compiled-in default and
 * the shipped themes (which must parse without a single error). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "gammatop/diag.h"
#include "gammatop/theme.h"

static size_t parse(struct theme *t, const char *text, struct diag *d)
{
	theme_init(t);
	diag_init(d);
	return theme_parse(t, text, strlen(text), "x.theme", d);
}

static void test_good(void **state)
{
	(void)state;
	struct theme t;
	struct diag d;
	const char *text = "# a comment\n"
	                   "\n"
	                   "  header = fg=black , bg=#5fafd7,bold,underline   # trailing comment\n"
	                   "cursor=fg=colour81,bg=color236,reverse,italic,dim\n"
	                   "normal = fg=default,bg=default\n"
	                   "error = fg=brightred\n";
	assert_int_equal(parse(&t, text, &d), 0);
	assert_int_equal(d.n, 0);
	const struct theme_style *h = &t.styles[THEME_HEADER];
	assert_int_equal(h->fg.type, TC_INDEX);
	assert_int_equal(h->fg.index, 0);
	assert_int_equal(h->bg.type, TC_RGB);
	assert_int_equal(h->bg.rgb, 0x5fafd7);
	assert_int_equal(h->attrs, THEME_A_BOLD | THEME_A_UNDERLINE);
	const struct theme_style *c = &t.styles[THEME_CURSOR];
	assert_int_equal(c->fg.index, 81);
	assert_int_equal(c->bg.index, 236);
	assert_int_equal(c->attrs, THEME_A_REVERSE | THEME_A_ITALIC | THEME_A_DIM);
	assert_int_equal(t.styles[THEME_NORMAL].fg.type, TC_DEFAULT);
	assert_int_equal(t.styles[THEME_ERROR].fg.index, 9);
	assert_int_equal(t.styles[THEME_STATUS].fg.type, TC_UNSET);
	diag_done(&d);
}

/* Each bad line gives exactly one error naming file:line, and the good lines still apply. */
static void test_errors(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		const char *msg; /* substring expected after "x.theme:2: " */
	} cases[] = {
		{"header fg red", "expected 'element = style'"},
		{"header fg=red", "unknown element 'header fg'"},
		{"nosuch = fg=red", "unknown element 'nosuch'"},
		{"header =", "no style for 'header'"},
		{"header = fg=rouge", "unknown colour 'rouge'"},
		{"header = fg=colour256", "unknown colour 'colour256'"},
		{"header = fg=colour", "unknown colour 'colour'"},
		{"header = fg=colour-1", "unknown colour 'colour-1'"},
		{"header = bg=#12345", "unknown colour '#12345'"},
		{"header = bg=#12345g", "unknown colour '#12345g'"},
		{"header = blink", "unknown attribute 'blink'"},
		{"header = fg=red,,bold", "empty item"},
		{"header = fg=red\x1b[2J", "unknown colour 'red?[2J'"}, /* sanitised in the message */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[256];
		snprintf(text, sizeof text, "status = fg=green\n%s\ncursor = reverse\n", cases[i].line);
		struct theme t;
		struct diag d;
		assert_int_equal(parse(&t, text, &d), 1);
		assert_int_equal(d.n, 1);
		assert_int_equal(d.items[0].level, DIAG_ERROR);
		assert_true(strncmp(d.items[0].msg, "x.theme:2: ", 11) == 0);
		if (!strstr(d.items[0].msg, cases[i].msg))
			fail_msg("case %zu: '%s' lacks '%s'", i, d.items[0].msg, cases[i].msg);
		assert_int_equal(t.styles[THEME_STATUS].fg.index, 2);
		assert_int_equal(t.styles[THEME_CURSOR].attrs, THEME_A_REVERSE);
		/* A line in error leaves the element as it was. */
		assert_int_equal(t.styles[THEME_HEADER].fg.type, TC_UNSET);
		diag_done(&d);
	}
	/* Several errors: all reported with their own line numbers. */
	struct theme t;
	struct diag d;
	assert_int_equal(parse(&t, "a = b\n\nheader = fg=x\nerror = fg=red\nq\n", &d), 3);
	assert_string_equal(d.items[0].msg, "x.theme:1: unknown element 'a'");
	assert_true(strstr(d.items[1].msg, "x.theme:3: unknown colour 'x'") != NULL);
	assert_true(strstr(d.items[2].msg, "x.theme:5: expected") != NULL);
	assert_int_equal(t.styles[THEME_ERROR].fg.index, 1);
	diag_done(&d);
	/* A NUL byte inside the text. */
	theme_init(&t);
	diag_init(&d);
	assert_int_equal(theme_parse(&t, "header = bold\n\0x\n", 17, "n.theme", &d), 1);
	assert_true(strstr(d.items[0].msg, "n.theme:2: NUL byte") != NULL);
	diag_done(&d);
}

static void test_colors(void **state)
{
	(void)state;
	struct theme_color c;
	assert_true(theme_parse_color("DEFAULT", &c));
	assert_int_equal(c.type, TC_DEFAULT);
	assert_true(theme_parse_color("brightwhite", &c));
	assert_int_equal(c.index, 15);
	assert_true(theme_parse_color("colour0", &c));
	assert_int_equal(c.index, 0);
	assert_true(theme_parse_color("color255", &c));
	assert_int_equal(c.index, 255);
	assert_false(theme_parse_color("colour0255", &c));
	assert_false(theme_parse_color("", &c));
	assert_false(theme_parse_color("#", &c));
	/* Mapping down. */
	struct theme_color red = {TC_RGB, 0, 0xff0000};
	assert_int_equal(theme_color_for_depth(&red, DEPTH_TRUE), 0xff0000);
	assert_int_equal(theme_color_for_depth(&red, DEPTH_256), 196);
	assert_int_equal(theme_color_for_depth(&red, DEPTH_16), 9);
	assert_int_equal(theme_color_for_depth(&red, DEPTH_8), 1);
	assert_int_equal(theme_color_for_depth(&red, DEPTH_NONE), -1);
	struct theme_color i81 = {TC_INDEX, 81, 0};
	assert_int_equal(theme_color_for_depth(&i81, DEPTH_256), 81);
	assert_int_equal(theme_color_for_depth(&i81, DEPTH_16), 6); /* #5fd7ff: nearest is cyan */
	assert_int_equal(theme_color_for_depth(&i81, DEPTH_TRUE), 0x5fd7ff);
	struct theme_color b9 = {TC_INDEX, 9, 0};
	assert_int_equal(theme_color_for_depth(&b9, DEPTH_8), 1);
	assert_int_equal(theme_color_for_depth(&b9, DEPTH_TRUE), 0xff0000);
	struct theme_color black = {TC_RGB, 0, 0x000000};
	assert_int_equal(theme_color_for_depth(&black, DEPTH_TRUE), 8); /* never an ANSI index */
	struct theme_color dflt = {TC_DEFAULT, 0, 0};
	assert_int_equal(theme_color_for_depth(&dflt, DEPTH_256), -1);
	struct theme_color grey = {TC_RGB, 0, 0x808080};
	assert_int_equal(theme_color_for_depth(&grey, DEPTH_256), 244);
	assert_int_equal(theme_palette_rgb(16), 0x000000);
	assert_int_equal(theme_palette_rgb(231), 0xffffff);
	assert_int_equal(theme_palette_rgb(232), 0x080808);
	assert_string_equal(color_depth_name(DEPTH_TRUE), "truecolor");
	assert_int_equal(theme_elem_from_name("help.key"), THEME_HELP_KEY);
	/* Element constants are what their names say (a macro once shadowed THEME_DIM). */
	assert_string_equal(theme_elem_name(THEME_DIM), "dim");
	assert_string_equal(theme_elem_name(THEME_ERROR), "error");
	assert_string_equal(theme_elem_name(THEME_CURSOR), "cursor");
	assert_int_equal(theme_elem_from_name("nope"), -1);
}

static void test_default(void **state)
{
	(void)state;
	struct theme t;
	struct diag d;
	theme_init(&t);
	diag_init(&d);
	/* The compiled-in text is the file, and parses cleanly. */
	assert_int_equal(theme_parse(&t, theme_default_text, strlen(theme_default_text),
	                             "default.theme", &d), 0);
	diag_done(&d);
	struct theme def;
	theme_load_default(&def);
	assert_memory_equal(&t, &def, sizeof t);
	assert_int_not_equal(def.styles[THEME_CURSOR].bg.type, TC_UNSET);
	/* Every element is named in the default theme. */
	for (int e = 0; e < THEME_COUNT; e++)
		if (!strstr(theme_default_text, theme_elem_name((enum theme_elem)e)))
			fail_msg("default.theme does not set '%s'", theme_elem_name((enum theme_elem)e));
}

static void test_shipped(void **state)
{
	(void)state;
	const char *srcdir = getenv("GT_SRCDIR");
	if (!srcdir)
		srcdir = ".";
	static const char *const names[] = {"default", "light", "high-contrast", "solarized-dark",
	                                    "monochrome"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/themes/%s.theme", srcdir, names[i]);
		if (access(path, R_OK) != 0)
			skip();
		struct theme t;
		struct diag d;
		diag_init(&d);
		theme_load_default(&t);
		int rc = theme_load_file(&t, path, &d);
		if (rc != 0)
			fail_msg("%s: %s", path, d.n ? d.items[0].msg : "unreadable");
		diag_done(&d);
		/* Loading by FILE through theme_load works too. */
		diag_init(&d);
		assert_int_equal(theme_load(&t, path, &d), 0);
		assert_int_equal(d.n, 0);
		diag_done(&d);
	}
}

static void test_lookup(void **state)
{
	(void)state;
	char dir[] = "/tmp/gt-theme-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char sub[256], path[300];
	snprintf(sub, sizeof sub, "%s/gammatop", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof sub, "%s/gammatop/themes", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(path, sizeof path, "%s/mine.theme", sub);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("header = fg=red\nbogus = bold\n", f);
	fclose(f);
	setenv("XDG_CONFIG_HOME", dir, 1);
	struct theme t;
	struct diag d;
	diag_init(&d);
	assert_int_equal(theme_load(&t, "mine", &d), 0); /* errors reported, theme still used */
	assert_int_equal(d.n, 1);
	assert_true(strstr(d.items[0].msg, "mine.theme:2: unknown element 'bogus'") != NULL);
	assert_int_equal(t.styles[THEME_HEADER].fg.index, 1);
	diag_done(&d);
	diag_init(&d);
	assert_int_equal(theme_load(&t, "nosuch", &d), -1);
	assert_true(strstr(d.items[0].msg, "no theme 'nosuch'") != NULL);
	diag_done(&d);
	diag_init(&d);
	assert_int_equal(theme_load(&t, "../etc", &d), -1); /* a path needs a '/', names no dots-dirs */
	diag_done(&d);
	diag_init(&d);
	assert_int_equal(theme_load(&t, "x;rm", &d), -1);
	assert_true(strstr(d.items[0].msg, "characters other than") != NULL);
	diag_done(&d);
	diag_init(&d);
	assert_int_equal(theme_load(&t, "/nonexistent/x.theme", &d), -1);
	assert_true(strstr(d.items[0].msg, "cannot read theme /nonexistent/x.theme") != NULL);
	diag_done(&d);
	diag_init(&d);
	assert_int_equal(theme_load(&t, "default", &d), 0);
	assert_int_equal(theme_load(&t, NULL, &d), 0);
	assert_int_equal(d.n, 0);
	diag_done(&d);
	unlink(path);
	rmdir(sub);
	snprintf(sub, sizeof sub, "%s/gammatop", dir);
	rmdir(sub);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),    cmocka_unit_test(test_errors),
		cmocka_unit_test(test_colors),  cmocka_unit_test(test_default),
		cmocka_unit_test(test_shipped), cmocka_unit_test(test_lookup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
