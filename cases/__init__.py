"""The cases app: people, collectives, requests, cases and their covered persons, consent,
aggressions, protection from other bodies, the contact log, the case's lifecycle and pages."""
