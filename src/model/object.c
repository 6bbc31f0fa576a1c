/* object.c: scaffold until its owner lands it. */
typedef int gt_object_scaffold;
