"""Management commands of the deadlines."""
