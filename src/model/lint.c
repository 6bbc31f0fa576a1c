/* lint.c: scaffold until its owner lands it. */
typedef int gt_lint_scaffold;
