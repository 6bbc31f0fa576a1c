/* placeholder.c: keeps the edit library non-empty until edit.c lands. */
typedef int gt_edit_placeholder;
