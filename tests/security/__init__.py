"""Tests of security, audit and need-to-know."""
