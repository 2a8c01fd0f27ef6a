"""The Governing Board: sessions, attendance, agendas, decisions, observations, re-discussion
requests and appeals, with their maps (lifecycle.py), services, selectors, pages and the session
papers."""
