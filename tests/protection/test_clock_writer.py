"""ClockWriter writes each clock as clock() does, for every state, in both languages."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation

from protection.templatetags.protection_tags import ClockWriter, clock

NOW = datetime(2025, 6, 30, 18, 0, tzinfo=UTC)
OFFSETS = [
    timedelta(minutes=-5),
    timedelta(hours=-3),
    timedelta(days=-1),
    timedelta(days=-40),
    timedelta(minutes=30),
    timedelta(hours=20),
    timedelta(days=1, hours=2),
    timedelta(days=9),
]


@pytest.mark.parametrize("language", ["es-mx", "en"])
def test_clock_writer_writes_what_clock_writes(language, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    with translation.override(language):
        write = ClockWriter()
        assert write(None) == clock(None) == "—"
        for offset in OFFSETS:
            due = NOW + offset
            for done in (None, due - timedelta(hours=2), due + timedelta(hours=5), due):
                assert write(due, done) == str(clock(due, done)), (offset, done)
