"""Browser tests: Playwright drives Chromium through the real pages."""
