"""Management commands of the deadlines: check_deadlines (run the sweep now)."""
