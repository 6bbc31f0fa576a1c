# src/edit/local.mk: the edit layer: change a route rule's timeouts/retry safely (validate,
# diff, server dry-run, conflict-safe apply, audit, undo). Knows model, kube and cache; used by
# the `set`/`history`/`undo` commands and by the console's edit form.
noinst_LIBRARIES += src/edit/libgtedit.a
src_edit_libgtedit_a_SOURCES = src/edit/placeholder.c
