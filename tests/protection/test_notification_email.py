"""Alert e-mails: one digest per person, claimed before sending, sent once, retried after a
failure, never naming a protected person. SMTP is Django's locmem backend (and, to fail, a
backend that refuses)."""

import threading
import uuid
from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from protection.deadlines.models import EmailStatus, Notification
from protection.deadlines.notifications import digest_send_claimed, escalations_run
from protection.deadlines.sweep import deadlines_sweep
from protection.deadlines.tasks import digests_send_due
from tests import workflows

from .helpers import purge_queue, queued_tasks, urgent_case


class RefusingBackend(BaseEmailBackend):
    """A mail server that drops the connection (what lies outside the machine)."""

    def send_messages(self, email_messages):
        raise SMTPServerDisconnected("connection unexpectedly closed")


def two_alerts_for(reception):
    cases = [urgent_case(reception, hours_ago=4), urgent_case(reception, hours_ago=5)]
    deadlines_sweep()
    escalations_run()
    return cases


@pytest.mark.django_db
def test_one_digest_lists_the_alerts_then_nothing_is_sent_again(reception):
    cases = two_alerts_for(reception)

    sent = digest_send_claimed(reception.pk)
    again = digest_send_claimed(reception.pk)

    assert (sent, again) == (2, 0)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [reception.email]
    assert "URGENTE" in message.subject and "2 plazos vencidos" in message.subject
    for case in cases:
        assert case.file_number in message.body
    assert "Emisión de medidas urgentes" in message.body
    rows = Notification.objects.filter(recipient=reception)
    assert {(n.email_status, n.email_attempts) for n in rows} == {(EmailStatus.SENT, 1)}
    assert all(n.emailed_at for n in rows)


@pytest.mark.django_db
def test_the_email_names_no_protected_person(reception):
    case = two_alerts_for(reception)[0]
    beneficiary = case.parties.first().person

    digest_send_claimed(reception.pk)

    body = mail.outbox[0].body
    assert beneficiary.given_names not in body
    assert beneficiary.family_names not in body


@pytest.mark.django_db
def test_alerts_already_read_in_the_app_are_not_emailed(reception):
    two_alerts_for(reception)
    Notification.objects.filter(recipient=reception).update(read_at=timezone.now())

    assert digest_send_claimed(reception.pk) == 0
    assert mail.outbox == []
    assert set(Notification.objects.values_list("email_status", flat=True)) == {EmailStatus.SKIPPED}


@pytest.mark.django_db
def test_people_without_an_address_are_skipped(reception):
    reception.email = ""
    reception.save()
    two_alerts_for(reception)

    assert digest_send_claimed(reception.pk) == 0
    assert set(Notification.objects.values_list("email_status", flat=True)) == {EmailStatus.SKIPPED}


@pytest.mark.django_db
def test_a_failed_send_releases_the_claim_and_the_retry_sends(settings, reception):
    two_alerts_for(reception)
    settings.EMAIL_BACKEND = "tests.protection.test_notification_email.RefusingBackend"

    with pytest.raises(SMTPServerDisconnected):
        digest_send_claimed(reception.pk)

    rows = Notification.objects.filter(recipient=reception)
    assert {(n.email_status, n.email_claim, n.email_attempts) for n in rows} == {
        (EmailStatus.PENDING, None, 1)
    }
    assert "connection unexpectedly closed" in rows[0].email_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert digest_send_claimed(reception.pk) == 2
    assert len(mail.outbox) == 1
    assert set(rows.values_list("email_attempts", flat=True)) == {2}


@pytest.mark.django_db
def test_rows_claimed_by_another_worker_wait_until_the_claim_expires(settings, reception):
    settings.OUTBOX_CLAIM_TIMEOUT_SECONDS = 600
    two_alerts_for(reception)
    now = timezone.now()
    Notification.objects.update(email_claim=uuid.uuid4(), email_claimed_at=now)

    assert digest_send_claimed(reception.pk, now=now + timedelta(minutes=5)) == 0
    assert digest_send_claimed(reception.pk, now=now + timedelta(minutes=11)) == 2
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_the_same_moment_send_one_email(reception):
    two_alerts_for(reception)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        from django.db import connection

        try:
            barrier.wait(timeout=10)
            results.append(digest_send_claimed(reception.pk))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(results) == [0, 2]
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_urgent_alerts_are_queued_for_email_once_the_escalation_commits(
    reception, django_capture_on_commit_callbacks
):
    purge_queue()
    urgent_case(reception, hours_ago=4)
    deadlines_sweep()

    with django_capture_on_commit_callbacks(execute=True):
        escalations_run()

    assert queued_tasks() == [("protection.tasks.digest_send", (reception.pk,))]
    purge_queue()


@pytest.mark.django_db
def test_ordinary_alerts_wait_for_the_daily_digest(reception, django_capture_on_commit_callbacks):
    purge_queue()
    workflows.register(reception, received_at=timezone.now() - timedelta(days=11))
    deadlines_sweep()
    with django_capture_on_commit_callbacks(execute=True):
        escalations_run()
    assert queued_tasks() == []

    digests_send_due.apply()

    assert queued_tasks() == [("protection.tasks.digest_send", (reception.pk,))]
    purge_queue()
