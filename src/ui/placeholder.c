/* placeholder.c: keeps the ui library non-empty until its first module lands. */
typedef int gt_ui_placeholder;
