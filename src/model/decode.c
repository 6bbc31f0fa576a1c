/* decode.c: scaffold until its owner lands it. */
typedef int gt_decode_scaffold;
