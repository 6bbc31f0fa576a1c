/* placeholder.c: keeps the net library non-empty until http.c lands. */
typedef int gt_net_placeholder;
