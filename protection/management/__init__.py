"""Management commands of the protection app."""
