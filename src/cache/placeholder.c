/* placeholder.c: keeps the cache library non-empty until its first module lands. */
typedef int gt_cache_placeholder;
