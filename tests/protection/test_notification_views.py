"""The bell, the list of one's alerts, marking them read, the overdue-flag list and the schedule
page: what each person may see, and what happens when Redis is down."""

import re
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from protection.celery import app as celery_app
from protection.deadlines.models import Notification
from protection.deadlines.notifications import escalations_run
from protection.deadlines.sweep import deadlines_sweep
from protection.deadlines.tasks import broker_health, deadlines_watch, enqueue
from protection.models import Role
from protection.schedules import JOBS
from tests import factories as f
from tests import workflows

from .helpers import urgent_case

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")
FLAGS = reverse("notifications:flags")
SCHEDULE = reverse("notifications:schedule")
BELL = reverse("notifications:bell")
READ_ALL = reverse("notifications:read_all")


def alerts_for(user, count):
    for _ in range(count):
        urgent_case(user, hours_ago=4)
    deadlines_sweep()
    escalations_run()
    return list(Notification.objects.filter(recipient=user))


@pytest.fixture
def administrator(db):
    return f.UserFactory(username="admin_sistema_t", role=Role.ADMINISTRATOR)


@pytest.mark.parametrize("url", [LIST, FLAGS, SCHEDULE, BELL])
def test_anonymous_people_are_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_cannot_mark_read(client, reception):
    notification = alerts_for(reception, 1)[0]

    response = client.post(reverse("notifications:read", args=[notification.pk]))

    assert response.status_code == 302
    assert Notification.objects.get().read_at is None


def test_the_bell_in_the_header_shows_the_unread_count(client, reception):
    alerts_for(reception, 2)
    client.force_login(reception)

    page = client.get(LIST).content.decode()

    assert 'id="notification-bell"' in page
    assert 'data-unread="2"' in page
    fragment = client.get(BELL)
    assert fragment.status_code == 200
    assert 'data-unread="2"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()


def test_the_list_shows_ones_own_alerts_only(client, reception, coordinator):
    mine = alerts_for(reception, 2)
    other = f.UserFactory(username="recepcion_otra_t", role=Role.RECEPTION)
    theirs = alerts_for(other, 1)
    client.force_login(reception)

    page = client.get(LIST).content.decode()

    for notification in mine:
        assert f'id="notification-{notification.pk}"' in page
        assert notification.flag.case.file_number in page
    assert f'id="notification-{theirs[0].pk}"' not in page
    assert "Emisión de medidas urgentes" in page


def test_marking_read_lowers_the_count(client, reception):
    first, second = alerts_for(reception, 2)
    client.force_login(reception)

    response = client.post(
        reverse("notifications:read", args=[first.pk]), {"next": LIST}, follow=True
    )

    assert response.status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    assert 'data-unread="1"' in response.content.decode()


def test_marking_read_refuses_an_outside_next_url(client, reception):
    notification = alerts_for(reception, 1)[0]
    client.force_login(reception)

    response = client.post(
        reverse("notifications:read", args=[notification.pk]), {"next": "https://evil.example/"}
    )

    assert response["Location"] == LIST


def test_someone_elses_alert_is_not_found(client, reception):
    notification = alerts_for(reception, 1)[0]
    other = f.UserFactory(username="recepcion_otra_t", role=Role.RECEPTION)
    client.force_login(other)

    response = client.post(reverse("notifications:read", args=[notification.pk]))

    assert response.status_code == 404
    assert Notification.objects.get().read_at is None


def test_marking_read_takes_a_post_only(client, reception):
    notification = alerts_for(reception, 1)[0]
    client.force_login(reception)

    assert client.get(reverse("notifications:read", args=[notification.pk])).status_code == 405


def test_mark_all_read(client, reception):
    alerts_for(reception, 3)
    client.force_login(reception)

    response = client.post(READ_ALL, follow=True)

    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert "3 avisos marcados como leídos." in response.content.decode()


def test_the_list_costs_the_same_queries_for_3_and_20_alerts(
    client, reception, django_assert_max_num_queries
):
    alerts_for(reception, 3)
    client.force_login(reception)
    client.get(LIST)
    with django_assert_max_num_queries(30) as three:
        assert client.get(LIST).status_code == 200
    alerts_for(reception, 17)

    with django_assert_max_num_queries(len(three.captured_queries)):
        page = client.get(LIST).content.decode()

    assert len(re.findall(r'id="notification-\d+"', page)) == 20


def test_overdue_flags_page_scopes_to_the_person(client, reception, analyst, coordinator):
    mine = urgent_case(reception, hours_ago=4)
    received = timezone.now() - timedelta(days=11)
    theirs = workflows.register(coordinator, received_at=received)
    workflows.admit(coordinator, theirs)  # now at the analysts' stage, not reception's
    deadlines_sweep()

    client.force_login(reception)
    reception_page = client.get(FLAGS).content.decode()
    client.force_login(coordinator)
    coordinator_page = client.get(FLAGS).content.decode()

    assert mine.file_number in reception_page
    assert theirs.file_number not in reception_page
    assert mine.file_number in coordinator_page and theirs.file_number in coordinator_page


def test_overdue_flags_page_shows_closed_flags_with_how_late(client, reception, authority):
    from measures import services as measure_services

    case = urgent_case(reception, hours_ago=4)
    deadlines_sweep()
    measure_services.urgent_measures_issue(
        actor=reception,
        case=case,
        measures=[
            {
                "measure_type": f.measure_type("panic_button"),
                "covered": f.beneficiary_of(case),
                "authority": authority,
            }
        ],
    )
    deadlines_sweep()
    client.force_login(reception)

    open_page = client.get(FLAGS).content.decode()
    closed_page = client.get(FLAGS, {"estado": "cerrados"}).content.decode()

    assert case.file_number not in open_page
    assert case.file_number in closed_page
    assert "cumplido con 1 hora de retraso" in closed_page


@pytest.mark.parametrize("role", [Role.BOARD_GOVERNMENT, Role.CONSULTANT, Role.ADMINISTRATOR])
def test_overdue_flags_page_is_for_casework_staff(client, role):
    client.force_login(f.UserFactory(username=f"{role}_t", role=role))

    assert client.get(FLAGS).status_code == 403


def test_overdue_flags_page_costs_the_same_queries_for_more_rows(
    client, coordinator, reception, django_assert_max_num_queries
):
    for _ in range(2):
        urgent_case(reception, hours_ago=13)
    deadlines_sweep()
    client.force_login(coordinator)
    client.get(FLAGS)
    with django_assert_max_num_queries(30) as few:
        client.get(FLAGS)
    for _ in range(8):
        urgent_case(reception, hours_ago=13)
    deadlines_sweep()

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(FLAGS).content.decode()

    assert page.count('id="flag-') == 20


def test_administrators_see_the_schedule_with_the_last_run(client, administrator, coordinator):
    deadlines_watch.apply()
    client.force_login(coordinator)
    assert client.get(SCHEDULE).status_code == 200
    client.force_login(administrator)

    page = client.get(SCHEDULE).content.decode()

    for job in JOBS:
        assert job.name in page and job.task in page
    assert "cada 5 minutos" in page
    assert "diario a las 13:00 UTC" in page
    assert "raised 0, cleared 0, still overdue 0" in page  # the sweep's last result


@pytest.mark.parametrize("role", [Role.RECEPTION, Role.ANALYST, Role.BOARD_CIVIL])
def test_the_schedule_is_for_administrators_and_the_coordination_only(client, role):
    client.force_login(f.UserFactory(username=f"{role}_t", role=role))

    assert client.get(SCHEDULE).status_code == 403


@pytest.fixture
def dead_broker():
    """The broker at a closed port (Redis down) for this test."""
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    broker_health.forget()
    yield
    celery_app.conf.broker_url = original
    broker_health.forget()


def test_with_redis_down_pages_work_fast_and_say_work_is_delayed(client, reception, dead_broker):
    alerts_for(reception, 1)
    client.force_login(reception)

    started = time.monotonic()
    response = client.get(LIST)
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert "Tareas en segundo plano demoradas" in response.content.decode()
    assert elapsed < 2


def test_with_redis_down_queueing_returns_at_once_and_leaves_the_row(reception, dead_broker):
    alerts_for(reception, 1)
    from protection.deadlines.tasks import digest_send

    started = time.monotonic()
    queued = enqueue(digest_send, reception.pk)

    assert queued is False
    assert time.monotonic() - started < 2
    assert Notification.objects.get().email_status == "pending"


def test_with_redis_up_there_is_no_delay_banner(client, reception):
    broker_health.forget()
    client.force_login(reception)

    assert "Tareas en segundo plano demoradas" not in client.get(LIST).content.decode()


def test_a_sweep_that_stopped_running_shows_the_delay_banner(client, reception):
    from protection.deadlines import tasks
    from protection.deadlines.models import PeriodicRun

    PeriodicRun.objects.create(
        name="deadlines-watch", last_finished_at=timezone.now() - timedelta(hours=1)
    )
    tasks._sweep_seen["at"] = float("-inf")
    broker_health.forget()
    client.force_login(reception)

    page = client.get(LIST).content.decode()

    tasks._sweep_seen["at"] = float("-inf")
    assert "Tareas en segundo plano demoradas" in page
