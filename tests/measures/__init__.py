"""Tests of the measures app, the Board and letters."""
