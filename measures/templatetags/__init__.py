"""Template tags of the measures app (the Board's dossier rows)."""
