# tests/fuzz/local.mk: fuzz targets. With --enable-fuzz they link libFuzzer; otherwise
# tests/fuzz/replay.c gives them a main() and `make check` runs each over its seed corpus
# (tests/fuzz/corpus/<target>/). Layer fragments add targets to FUZZ_TARGETS-style lists.
if ENABLE_FUZZ
FUZZ_MAIN =
FUZZ_LINK = -fsanitize=fuzzer
else
FUZZ_MAIN = tests/fuzz/replay.c
FUZZ_LINK =
endif
EXTRA_DIST += tests/fuzz/replay.c tests/fuzz/corpus
