"""Tests of the ground floor, deadlines and notifications."""
