"""Tests of case documents."""
