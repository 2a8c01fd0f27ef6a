"""Management commands of the reports."""
