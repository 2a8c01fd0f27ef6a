"""Indicators, monitoring reports, the public annual report and safe exports (issue 7)."""
