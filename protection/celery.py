"""The one Celery application. Periodic schedules live in protection/schedules.py."""

import gc
import os

from celery import Celery
from celery.signals import worker_process_init

from .schedules import BEAT_SCHEDULE

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "protection.settings.local")

app = Celery("protection")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = BEAT_SCHEDULE
# Publishing gives up quickly when the broker is down: the work is already a row that the outbox
# sweeper queues later, and a web request must not hang on a dead Redis.
app.conf.task_publish_retry_policy = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}


@worker_process_init.connect
def _freeze_startup_objects(**kwargs):
    """As the web workers do (protection.wsgi): what is loaded at start stays out of the
    garbage collector's full collections."""
    gc.freeze()
