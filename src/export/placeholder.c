/* placeholder.c: keeps the export library non-empty until its first module lands. */
typedef int gt_export_placeholder;
