"""The Governing Board: sessions, attendance, agendas, decisions, observations, re-discussion
requests and appeals, with their services, selectors, pages and the session papers."""
