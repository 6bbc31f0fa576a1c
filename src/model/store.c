/* store.c: scaffold until its owner lands it. */
typedef int gt_store_scaffold;
