"""Settings per environment: base, local, test, production (DJANGO_SETTINGS_MODULE picks one)."""
