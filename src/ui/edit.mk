# src/ui/edit.mk: the console's editing views (inline policy form, $EDITOR, history/undo) on
# top of the edit layer, with their tests. Kept apart from src/ui/local.mk so the two can be
# worked on side by side.
