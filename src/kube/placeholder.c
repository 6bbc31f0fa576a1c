/* placeholder.c: keeps the kube library non-empty until its first module lands. */
typedef int gt_kube_placeholder;
