"""Letters (oficios): planned from confirmed decisions, rendered to PDF by a worker, delivered,
acknowledged and publicly verifiable; the letter's map is lifecycle.py."""
