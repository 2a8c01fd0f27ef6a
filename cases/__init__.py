"""The cases app: people, collectives, requests, cases and their covered persons, consent,
aggressions, protection from other bodies, the contact log, the case's lifecycle and pages, the
home page (home.py, views_home.py) and the scoping of case content in the admin (admin_scope.py)."""
