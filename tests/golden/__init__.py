"""Golden-page tests: the main pages rendered for a fixed dataset at a fixed clock, compared with
stored HTML."""
