#!/bin/sh
# tests/e2e/layers-planted.sh: scripts/check-layers and scripts/include-cycles fail when they
# should. In a temporary copy of the tree (src/, include/, doc/) this plants, one at a time:
#  1. a layer violation: the model's store.c includes the ui's console.h;
#  2. an include of another layer's private header: the cache includes model/topology_int.h;
#  3. a folder of src/ that the layer table does not name;
#  4. a table that cannot be read (the "## Layers" section renamed);
#  5. a cycle: two new util files, each calling a function the other defines.
# Each must fail, naming the file (and the rule or the path of the cycle); the untouched copy
# must pass first, so the failures come from what was planted.
. "$GT_SRCDIR/tests/e2e/lib.sh"
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"
LAYERS="$GT_SRCDIR/scripts/check-layers"
CYCLES="$GT_SRCDIR/scripts/include-cycles"

fresh() {
	rm -rf "$T/tree" && mkdir -p "$T/tree" &&
		cp -R "$GT_SRCDIR/src" "$GT_SRCDIR/include" "$GT_SRCDIR/doc" "$T/tree/" ||
		fail "cannot copy the tree"
	find "$T/tree/src" -name '*.o' -o -name '*.a' | xargs rm -f
}
# expect_fail SCRIPT WANT_RC PATTERN WHAT: the script on the copy exits WANT_RC and says PATTERN.
expect_fail() {
	python3 "$1" "$T/tree" >"$T/out" 2>&1
	rc=$?
	[ "$rc" -eq "$2" ] || fail "$4: exit $rc, not $2: $(cat "$T/out")"
	grep -q -- "$3" "$T/out" || fail "$4: no '$3' in: $(cat "$T/out")"
	ok "$4: $(head -n 1 "$T/out")"
}

fresh
python3 "$LAYERS" "$T/tree" >"$T/out" 2>&1 || fail "the untouched copy fails check-layers: $(cat "$T/out")"
python3 "$CYCLES" "$T/tree" >"$T/out" 2>&1 || fail "the untouched copy has a cycle: $(cat "$T/out")"
ok "the untouched copy passes both"

# 1. model -> ui
sed -i 's|^#include "gammatop/store.h"|#include "gammatop/store.h"\n#include "gammatop/console.h"|' \
	"$T/tree/src/model/store.c"
grep -q 'gammatop/console.h' "$T/tree/src/model/store.c" || fail "could not plant the include"
expect_fail "$LAYERS" 1 'src/model/store.c:[0-9]*: includes gammatop/console.h (ui): model knows only' \
	"a model file including a ui header"

# 2. another layer's private header
fresh
printf '#include "../model/topology_int.h"\n' >>"$T/tree/src/cache/topocache.c"
expect_fail "$LAYERS" 1 'src/cache/topocache.c:[0-9]*: includes ../model/topology_int.h, a private header of model' \
	"a cache file including a private model header"

# 3. a folder outside the table
fresh
mkdir "$T/tree/src/extra" && printf 'int extra;\n' >"$T/tree/src/extra/extra.c"
expect_fail "$LAYERS" 1 'src/extra: a folder the layer table' "a folder the table does not name"

# 4. no table
fresh
sed -i 's/^## Layers/## Floors/' "$T/tree/doc/architecture.md"
expect_fail "$LAYERS" 2 'no "## Layers" section' "a doc without the layer table"

# 5. a cycle
fresh
cat >"$T/tree/src/util/planted_a.h" <<'H'
int planted_a(int n);
H
cat >"$T/tree/src/util/planted_b.h" <<'H'
int planted_b(int n);
H
cat >"$T/tree/src/util/planted_a.c" <<'C'
#include "planted_a.h"
#include "planted_b.h"
int planted_a(int n)
{
	return n ? planted_b(n - 1) : 0;
}
C
cat >"$T/tree/src/util/planted_b.c" <<'C'
#include "planted_a.h"
#include "planted_b.h"
int planted_b(int n)
{
	return n ? planted_a(n - 1) : 1;
}
C
expect_fail "$CYCLES" 1 'include cycle (2 files): src/util/planted_a.c -> src/util/planted_b.c -> src/util/planted_a.c' \
	"two files that call each other"
grep -q 'src/util/planted_b.c -> src/util/planted_a.c: planted_a' "$T/out" ||
	fail "the cycle does not say which function: $(cat "$T/out")"
ok "the cycle names the functions"
