/* placeholder.c: keeps the telemetry library non-empty until its first module lands. */
typedef int gt_telemetry_placeholder;
