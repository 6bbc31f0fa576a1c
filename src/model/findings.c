/* findings.c: scaffold until its owner lands it. */
typedef int gt_findings_scaffold;
