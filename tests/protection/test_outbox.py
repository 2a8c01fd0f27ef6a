"""The outbox sweeper: work left waiting as rows (letters to render, urgent alert e-mails) is
queued again on the real Redis when it has been stuck too long."""

from datetime import timedelta

import pytest
from django.utils import timezone

from measures.models import Letter, LetterStatus
from protection.deadlines.notifications import escalations_run
from protection.deadlines.sweep import deadlines_sweep
from protection.deadlines.tasks import (
    letters_requeue_stuck,
    outbox_requeue,
    urgent_emails_requeue_stuck,
)
from protection.schedules import BEAT_SCHEDULE, JOBS
from tests import workflows

from .helpers import purge_queue, queued_tasks, urgent_case

pytestmark = pytest.mark.django_db

RENDER = "measures.tasks.letter_render"


@pytest.fixture(autouse=True)
def empty_queue():
    purge_queue()
    yield
    purge_queue()


@pytest.fixture
def letters(reception, analyst, analyst2, coordinator, authority):
    """The letters of a confirmed decision, planned as pending rows (the queueing at commit
    never ran: tests roll back instead of committing)."""
    case = workflows.register(reception)
    workflows.admit(reception, case)
    workflows.complete_study(analyst, analyst2, case)
    decision = workflows.grant(coordinator, case, authority)
    rows = list(Letter.objects.filter(decision=decision).order_by("pk"))
    assert len(rows) == 2  # the beneficiary and the implementing authority
    assert {row.status for row in rows} == {LetterStatus.PENDING}
    return rows


def test_letters_just_planned_are_left_to_the_task_their_commit_queued(letters):
    assert letters_requeue_stuck() == 0
    assert queued_tasks() == []


def test_letters_stuck_too_long_are_queued_again(letters):
    later = timezone.now() + timedelta(minutes=11)

    assert letters_requeue_stuck(now=later) == 2

    assert queued_tasks() == [(RENDER, (letter.pk,)) for letter in letters]


def test_claimed_recently_or_out_of_attempts_letters_are_left(letters):
    first, second = letters
    now = timezone.now()
    later = now + timedelta(minutes=11)
    Letter.objects.filter(pk=first.pk).update(claimed_at=later - timedelta(minutes=2))
    Letter.objects.filter(pk=second.pk).update(
        status=LetterStatus.FAILED, attempts=5, claimed_at=now - timedelta(hours=1)
    )
    assert letters_requeue_stuck(now=later) == 0

    Letter.objects.filter(pk=second.pk).update(attempts=2)  # failed, attempts left
    assert letters_requeue_stuck(now=later) == 1
    assert queued_tasks() == [(RENDER, (second.pk,))]

    purge_queue()
    Letter.objects.filter(pk=first.pk).update(
        status=LetterStatus.GENERATED, claimed_at=now - timedelta(hours=1)
    )
    assert letters_requeue_stuck(now=later + timedelta(minutes=30)) == 1  # only the failed one


def test_urgent_alert_emails_stuck_are_queued_again(reception):
    urgent_case(reception, hours_ago=4)
    deadlines_sweep()
    escalations_run()  # its queueing at commit never ran (the test rolls back)

    assert urgent_emails_requeue_stuck() == 0  # too recent
    assert urgent_emails_requeue_stuck(now=timezone.now() + timedelta(minutes=11)) == 1
    assert queued_tasks() == [("protection.tasks.digest_send", (reception.pk,))]


def test_the_periodic_outbox_task_runs_both_sweepers(letters):
    from protection.deadlines.models import PeriodicRun

    result = outbox_requeue.apply().get()

    assert result == "letters 0, urgent e-mails 0"
    run = PeriodicRun.objects.get(name="outbox-requeue")
    assert run.last_result == result and run.last_finished_at >= run.last_started_at


def test_every_periodic_job_is_in_the_one_schedule_celery_beat_reads():
    from protection.celery import app

    assert app.conf.beat_schedule == BEAT_SCHEDULE
    assert set(BEAT_SCHEDULE) == {job.name for job in JOBS}
    # What a worker does when it starts: import every app's tasks module (autodiscovery).
    app.loader.import_default_modules()
    registered = set(app.tasks)
    for entry in BEAT_SCHEDULE.values():
        assert entry["task"] in registered
        assert entry["options"]["expires"] > 0


def test_tasks_take_json_primary_keys_and_are_acknowledged_late():
    from django.conf import settings

    from protection.deadlines import tasks

    assert settings.CELERY_TASK_SERIALIZER == "json"
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    for task in (tasks.deadlines_watch, tasks.digest_send, tasks.digests_send_due,
                 tasks.outbox_requeue):  # fmt: skip
        assert task.acks_late is True
        assert task.reject_on_worker_lost is True
        assert task.time_limit and task.soft_time_limit < task.time_limit
        assert task.max_retries and task.retry_backoff
