"""The queue helper: whether the broker answers, and the broker-aware enqueue every caller uses.
Imports no domain code (and nothing of the project), so any module may use it without a cycle;
a caller names a task it does not import by its registered name.
"""

import logging
import threading
import time
from pathlib import Path

from celery import current_app

log = logging.getLogger(__name__)


class _BrokerHealth:
    """Is the broker reachable? Probed with a short timeout, remembered for a few seconds, so a
    page never waits more than a fraction of a second on a dead Redis."""

    remember_ok = 30.0
    remember_down = 10.0
    probe_timeout = 0.3

    def __init__(self):
        self._lock = threading.Lock()
        self._ok = True
        self._checked = float("-inf")

    def available(self):
        ttl = self.remember_ok if self._ok else self.remember_down
        if time.monotonic() - self._checked < ttl:
            return self._ok
        with self._lock:
            if time.monotonic() - self._checked >= ttl:
                self._ok = self._probe()
                self._checked = time.monotonic()
            return self._ok

    def mark_down(self):
        self._ok = False
        self._checked = time.monotonic()

    def forget(self):
        self._checked = float("-inf")

    def _probe(self):
        url = current_app.conf.broker_url or ""
        try:
            if url.startswith(("redis://", "rediss://")):
                import redis  # only with a Redis broker

                client = redis.Redis.from_url(
                    url,
                    socket_connect_timeout=self.probe_timeout,
                    socket_timeout=self.probe_timeout,
                )
                try:
                    return bool(client.ping())
                finally:
                    client.close()
            if url.startswith("filesystem://"):
                options = current_app.conf.broker_transport_options or {}
                folder = options.get("data_folder_in")
                return folder is None or Path(folder).is_dir()
            if url.startswith("memory://"):
                return True
            with current_app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=self.probe_timeout)
            return True
        except Exception:  # any failure to reach it means "down"
            log.warning("broker %s unreachable", url.split("@")[-1])
            return False


broker_health = _BrokerHealth()


def broker_available():
    return broker_health.available()


def enqueue(task, *args):
    """Queue `task` (a task, or a task's registered name such as "measures.tasks.letter_render",
    so that the caller need not import the module that defines it) with `args`, unless the
    broker is down: then log, and return False at once. The caller's row stays pending and the
    outbox sweeper queues it when the broker is back."""
    name = task if isinstance(task, str) else task.name
    if not broker_health.available():
        log.warning("broker down: %s%r left for the sweeper", name, args)
        return False
    try:
        if isinstance(task, str):
            current_app.send_task(name, args=args)
        else:
            task.delay(*args)
    except Exception:  # kombu/redis connection errors vary by transport
        broker_health.mark_down()
        log.warning("broker unavailable: %s%r left for the sweeper", name, args)
        return False
    return True
