"""Template tags of the protection app."""
