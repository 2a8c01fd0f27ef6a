"""Real Redis, real Celery worker processes, real commits.

1. A worker killed (SIGKILL) in the middle of sending an alert e-mail: after a restart the
   message is delivered again (late acknowledgement, visibility timeout) and the e-mail goes out
   exactly once.
2. The broker is down when the sweep commits: nothing is lost, the alert waits as a row; when
   the broker is back the outbox sweeper queues it and a worker sends it.
"""

import socket
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from protection.deadlines.models import EmailStatus, Notification
from protection.deadlines.tasks import urgent_emails_requeue_stuck

from .helpers import (
    BASE_DIR,
    Worker,
    broker,
    mails_in,
    purge_queue,
    queued_tasks,
    urgent_case,
    wait_for,
    worker_database_url,
    worker_env,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VISIBILITY_TIMEOUT = 3  # seconds (CELERY_VISIBILITY_TIMEOUT in worker_env)


def notification():
    return Notification.objects.get()


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def workers(tmp_path):
    started = []

    def start(name, **extra):
        worker = Worker(worker_env(tmp_path / "mail", **extra), tmp_path / f"{name}.log", name)
        started.append(worker)
        worker.wait_ready()
        return worker

    (tmp_path / "mail").mkdir()
    purge_queue()
    yield start
    for worker in started:
        worker.stop()
    purge_queue()


def test_a_worker_killed_mid_task_the_email_goes_out_exactly_once(tmp_path, workers, reception):
    from protection.deadlines.notifications import escalations_run
    from protection.deadlines.sweep import deadlines_sweep

    urgent_case(reception, hours_ago=4)
    deadlines_sweep()
    escalations_run()  # commits, then queues the urgent e-mail on the real Redis
    assert queued_tasks() == [("protection.tasks.digest_send", (reception.pk,))]

    slow = workers("slow", TEST_DELIVERY_PAUSE=120)
    wait_for(lambda: notification().email_claimed_at is not None, message="the claim")
    slow.kill()

    row = notification()
    assert (row.email_status, row.email_attempts) == (EmailStatus.PENDING, 1)
    assert mails_in(tmp_path / "mail") == []
    assert broker().hlen("unacked") == 1  # delivered, never acknowledged

    time.sleep(VISIBILITY_TIMEOUT + 1)  # the message becomes visible again
    workers("restarted")
    wait_for(lambda: notification().email_status == EmailStatus.SENT, message="the e-mail")
    time.sleep(2)  # time enough for a duplicate to show up, if there were one

    row = notification()
    assert row.email_attempts == 2
    assert row.emailed_at is not None
    sent = mails_in(tmp_path / "mail")
    assert len(sent) == 1
    assert f"To: {reception.email}" in sent[0]
    assert broker().hlen("unacked") == 0
    assert queued_tasks() == []


def test_broker_down_at_commit_then_back_the_work_completes(tmp_path, workers, reception):
    urgent_case(reception, hours_ago=4)
    env = worker_env(tmp_path / "mail")
    dead = f"redis://127.0.0.1:{closed_port()}/0"
    env.update(
        DJANGO_SETTINGS_MODULE="protection.settings.test",
        DATABASE_URL=worker_database_url(),
        CELERY_BROKER_URL=dead,
        REDIS_URL=dead,
    )

    started = time.monotonic()
    command = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check_deadlines"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    elapsed = time.monotonic() - started

    assert command.returncode == 0, command.stderr
    assert command.stdout == "raised 1, cleared 0, still overdue 1\n"
    assert "left for the sweeper" in command.stderr
    assert elapsed < 30
    row = notification()  # committed with its cause, waiting
    assert (row.recipient, row.email_status, row.email_attempts) == (
        reception,
        EmailStatus.PENDING,
        0,
    )
    assert queued_tasks() == []

    # The broker is back: the outbox sweeper (every five minutes) finds the row stuck.
    assert urgent_emails_requeue_stuck(now=timezone.now() + timedelta(minutes=11)) == 1
    workers("after-outage")
    wait_for(lambda: notification().email_status == EmailStatus.SENT, message="the e-mail")

    assert len(mails_in(tmp_path / "mail")) == 1
    assert notification().email_attempts == 1
