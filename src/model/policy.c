/* policy.c: scaffold until its owner lands it. */
typedef int gt_policy_scaffold;
