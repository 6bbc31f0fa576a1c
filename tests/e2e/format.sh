#!/bin/sh
# tests/e2e/format.sh: the style check (scripts/check-format, .clang-format).
#  1. In a scratch git repository with this tree's .clang-format, lines added in the style
#     pass, a line added out of it (spaces for indentation, a brace on the wrong line) fails
#     and is named, a line that only moved is not checked.
#  2. The lines this branch adds (since it left main; on main: what is not committed) follow
#     .clang-format.
# Skips without clang-format or git, or outside a git checkout.
. "$GT_SRCDIR/tests/e2e/lib.sh"
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"
command -v git >/dev/null 2>&1 || skip "git is not installed"
command -v clang-format-14 >/dev/null 2>&1 || command -v clang-format >/dev/null 2>&1 ||
	skip "clang-format is not installed"
CHECK="$GT_SRCDIR/scripts/check-format"

# 1. A scratch repository.
R="$T/repo"
mkdir -p "$R" && cp "$GT_SRCDIR/.clang-format" "$R/" || fail "cannot make $R"
cd "$R" || fail "cd $R"
git init -q -b main . && git config user.email t@example.invalid && git config user.name t
printf '/* a.c */\nint one(int x)\n{\n\treturn x + 1;\n}\n\nint two(int x)\n{\n\treturn x * 2;\n}\n' >a.c
git add -A && git commit -qm base || fail "git commit"
git checkout -q -b change
printf '\nint three(int x)\n{\n\treturn x * 3;\n}\n' >>a.c
python3 "$CHECK" >"$T/out" 2>&1 || fail "a line in the style was refused: $(cat "$T/out")"
ok "added lines in the style pass"
printf '\nint four(int x) {\n    return x * 4;\n}\n' >>a.c
python3 "$CHECK" >"$T/out" 2>&1
rc=$?
[ "$rc" -eq 1 ] || fail "a line out of the style: exit $rc: $(cat "$T/out")"
grep -q '^--- a.c:1[0-9] (as written)' "$T/out" || fail "the file and line are not named: $(cat "$T/out")"
grep -q '^+int four(int x)$' "$T/out" || fail "clang-format's version is not shown: $(cat "$T/out")"
ok "a line out of the style fails: $(tail -n 1 "$T/out")"
# Moving two() (out of the style on purpose) below three() is not a change of style.
git checkout -q main && git checkout -q -b moved
printf '/* a.c */\nint two(int x) { return x * 2; }\n\nint three(int x)\n{\n\treturn x * 3;\n}\n' >a.c
git commit -qam "two, unformatted" && git checkout -q -b move-it
printf '/* a.c */\n\nint three(int x)\n{\n\treturn x * 3;\n}\nint two(int x) { return x * 2; }\n' >a.c
git diff -U0 moved | grep -q '^+int two' || fail "the move did not show as a move in git diff"
python3 "$CHECK" moved >"$T/out" 2>&1 || fail "a moved line was checked: $(cat "$T/out")"
ok "moved lines are not checked"
cd "$GT_SRCDIR" || fail "cd $GT_SRCDIR"

# 2. This tree.
python3 "$CHECK" >"$T/out" 2>&1
rc=$?
[ "$rc" -eq 77 ] && skip "$(cat "$T/out")"
[ "$rc" -eq 0 ] || fail "this change is not in the style of .clang-format:
$(cat "$T/out")"
ok "$(tail -n 1 "$T/out")"
