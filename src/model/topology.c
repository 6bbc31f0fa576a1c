/* topology.c: scaffold until its owner lands it. */
typedef int gt_topology_scaffold;
