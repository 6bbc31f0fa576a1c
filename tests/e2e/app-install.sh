#!/bin/sh
# app-install.sh: `make install DESTDIR=...` puts the binaries, the kubectl plugin names, the
# man pages, the themes and the completion scripts where they belong (issue 14); the installed
# gammatop finds its built-in themes from anywhere, `kubectl gammatop` runs it from the
# installed bin directory, and `make uninstall` takes it all away again.
. "$GT_SRCDIR/tests/e2e/lib.sh"
command -v make >/dev/null || skip "make not installed"
[ -f "$GT_BUILDDIR/Makefile" ] || skip "no build tree at $GT_BUILDDIR"
D=$T/root
# a make of its own (not the jobserver of the make check that may be running this)
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$GT_BUILDDIR" "$@"; }
mk install DESTDIR="$D" >"$T/install.log" 2>&1 || { tail -20 "$T/install.log"; fail "make install"; }
prefix=$(sed -n 's/^prefix = //p' "$GT_BUILDDIR/Makefile")
P=$D$prefix
for f in bin/gammatop bin/gammatop-sim; do [ -x "$P/$f" ] || fail "not installed: $prefix/$f"; done
for f in kubectl-gammatop kubectl_complete-gammatop; do
	[ -L "$P/bin/$f" ] && [ "$(readlink "$P/bin/$f")" = gammatop ] || fail "$prefix/bin/$f is not a link to gammatop"
done
for f in share/man/man1/gammatop.1 share/man/man1/gammatop-sim.1 \
	share/bash-completion/completions/gammatop share/zsh/site-functions/_gammatop \
	share/fish/vendor_completions.d/gammatop.fish; do
	[ -s "$P/$f" ] || fail "not installed: $prefix/$f"
done
[ "$(ls "$P/share/gammatop/themes" | wc -l)" = "$(ls "$GT_SRCDIR/themes" | wc -l)" ] ||
	fail "themes: $(ls "$P/share/gammatop/themes" | tr '\n' ' ')"
ok "installed under DESTDIR$prefix: $(cd "$P" && find . \( -type f -o -type l \) | wc -l) files and links"

# the installed completion registers; the installed man page is the source's
bash -c ". '$P/share/bash-completion/completions/gammatop' && complete -p gammatop" >/dev/null ||
	fail "the installed bash completion does not register"
cmp -s "$P/share/man/man1/gammatop.1" "$GT_SRCDIR/doc/gammatop.1" || fail "man page differs"

# the installed binary, from elsewhere: built-in themes by name; an unknown name lists them
cd "$T" || fail "cd"
for th in default light high-contrast solarized-dark monochrome; do
	"$P/bin/gammatop" -f "$GT_SRCDIR/tests/fixtures/manifests" --theme $th --dump-screen \
		>/dev/null 2>"$T/err" || fail "installed gammatop --theme $th: $(cat "$T/err")"
done
"$P/bin/gammatop" -f "$GT_SRCDIR/tests/fixtures/manifests" --theme nope --dump-screen >/dev/null 2>"$T/err" &&
	fail "--theme nope accepted"
grep -q "not built in (default, light, high-contrast, solarized-dark, monochrome)" "$T/err" ||
	fail "--theme nope: $(cat "$T/err")"
ok "installed gammatop: the 5 built-in themes by name from $T; an unknown name lists them"

KUBECTL=/usr/lib/google-cloud-sdk/bin/kubectl.1.32
[ -x "$KUBECTL" ] || KUBECTL=$(command -v kubectl) || KUBECTL=
if [ -n "$KUBECTL" ]; then
	v=$(PATH="$P/bin:/usr/bin:/bin" "$KUBECTL" gammatop version) || fail "kubectl gammatop version"
	[ "$v" = "$("$GAMMATOP" version)" ] || fail "kubectl gammatop version: $v"
	PATH="$P/bin:/usr/bin:/bin" "$KUBECTL" plugin list 2>/dev/null | grep -q "$P/bin/kubectl-gammatop" ||
		fail "kubectl plugin list does not show kubectl-gammatop"
	ok "kubectl gammatop version from the installed bin: $v"
fi

mk uninstall DESTDIR="$D" >"$T/uninstall.log" 2>&1 || { tail -20 "$T/uninstall.log"; fail "make uninstall"; }
left=$(cd "$D" && find . -type f -o -type l)
[ -z "$left" ] || fail "make uninstall left: $left"
ok "make uninstall removes everything it installed"
