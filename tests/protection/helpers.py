"""Shared helpers of the deadline tests: overdue records made through the real services, the
real Redis queue, and real Celery worker processes."""

import base64
import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from tests import workflows

BASE_DIR = Path(settings.BASE_DIR)
CELERY = str(Path(sys.executable).parent / "celery")


def urgent_case(reception, *, hours_ago=4):
    """An extraordinary-procedure case received `hours_ago` hours ago (urgent measures due 3 h
    after receipt)."""
    return workflows.register(
        reception, urgent=True, received_at=timezone.now() - timedelta(hours=hours_ago)
    )


# ------------------------------------------------------------------------------------------------
# The real Redis broker (this test run's own database number)


def broker():
    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


def purge_queue():
    broker().delete("celery", "unacked", "unacked_index")


def queued_tasks():
    """(task name, args) of every message waiting in the default queue, oldest first."""
    found = []
    for raw in reversed(broker().lrange("celery", 0, -1)):
        message = json.loads(raw)
        body = json.loads(base64.b64decode(message["body"]))
        found.append((message["headers"]["task"], tuple(body[0])))
    return found


# ------------------------------------------------------------------------------------------------
# Real worker processes against the test database


def worker_database_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_env(mail_dir, **extra):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.protection.worker_settings",
        DATABASE_URL=worker_database_url(),
        REDIS_URL=settings.CELERY_BROKER_URL,
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        CELERY_VISIBILITY_TIMEOUT="3",
        TEST_EMAIL_DIR=str(mail_dir),
        PYTHONUNBUFFERED="1",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


class Worker:
    """`celery -A protection worker` in its own process group (so SIGKILL takes the pool too)."""

    def __init__(self, env, log_path, name):
        self.log_path = Path(log_path)
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603
            [
                CELERY, "-A", "protection", "worker", "--pool", "prefork", "--concurrency", "1",
                "-Q", "celery", "-n", f"{name}@%h", "--without-gossip", "--without-mingle",
                "--without-heartbeat", "-l", "info",
            ],
            cwd=BASE_DIR, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "ready." in self.log_path.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                raise AssertionError("worker exited:\n" + self.log_path.read_text())
            time.sleep(0.2)
        raise AssertionError("worker not ready:\n" + self.log_path.read_text())

    def kill(self):
        """SIGKILL to the whole process group: no warm shutdown, no acknowledgement."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._log.close()

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=20)
        if not self._log.closed:
            self._log.close()


def wait_for(predicate, *, timeout=60, interval=0.2, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {message}")


def mails_in(mail_dir):
    """The messages the file e-mail backend wrote (one Subject header per message)."""
    messages = []
    for path in sorted(Path(mail_dir).glob("*.log")):
        text = path.read_text(errors="replace")
        messages += [chunk for chunk in text.split("\n" + "-" * 79 + "\n") if "Subject:" in chunk]
    return messages
