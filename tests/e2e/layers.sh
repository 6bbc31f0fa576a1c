#!/bin/sh
# tests/e2e/layers.sh: the house's rules hold on this tree: every #include follows the layer
# table of doc/architecture.md (scripts/check-layers), and no two files depend on each other
# through what their includes declare (scripts/include-cycles).
. "$GT_SRCDIR/tests/e2e/lib.sh"
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"

python3 "$GT_SRCDIR/scripts/check-layers" "$GT_SRCDIR" >"$T/layers.out" 2>&1 ||
	fail "check-layers: $(cat "$T/layers.out")"
grep -q "follow the layer table" "$T/layers.out" || fail "check-layers said: $(cat "$T/layers.out")"
ok "$(cat "$T/layers.out")"

python3 "$GT_SRCDIR/scripts/include-cycles" "$GT_SRCDIR" >"$T/cycles.out" 2>&1 ||
	fail "include-cycles: $(cat "$T/cycles.out")"
grep -q "no cycle among" "$T/cycles.out" || fail "include-cycles said: $(cat "$T/cycles.out")"
ok "$(cat "$T/cycles.out")"
