/* manifest.c: scaffold until its owner lands it. */
typedef int gt_manifest_scaffold;
