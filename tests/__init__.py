"""The test suite: it mirrors the apps (tests/cases, tests/risk, tests/measures ...)."""
