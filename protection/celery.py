"""The one Celery application. Periodic schedules live in protection/schedules.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "protection.settings.local")

app = Celery("protection")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
