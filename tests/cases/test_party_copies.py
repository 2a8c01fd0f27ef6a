"""The party attributes copied onto each case role (CasePerson.party_*, cases.models.
party_attributes): equal to the person's or collective's own after ordinary edits and after
two people write at the same moment (real threads, one transaction each, on PostgreSQL)."""

import threading
import time
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction

from cases import services
from cases.models import CasePerson, CaseRole, Gender, Person, State, party_attributes
from tests import factories as f
from tests.reports.builders import make_case


def stale_copies():
    """(case role, stored copy, fresh copy) for every case role whose copy differs."""
    out = []
    for role in CasePerson.objects.select_related("person", "collective"):
        stored = {name: getattr(role, name) for name in ("party_state_id", "party_gender")}
        stored["party_profile"] = role.party_profile
        fresh = party_attributes(role.person or role.collective)
        if stored != fresh:
            out.append((role.pk, stored, fresh))
    return out


@pytest.mark.django_db
def test_an_edit_of_the_person_reaches_every_case_role():
    actor = f.UserFactory(username="coord_party", role="coordinator")
    case = make_case(actor=actor, received_at=datetime(2025, 2, 3, 16, tzinfo=UTC))
    person = CasePerson.objects.filter(case=case, person__isnull=False).first().person
    other_state = State.objects.exclude(pk=person.state_id).first()

    person.state, person.gender = other_state, Gender.NON_BINARY
    services.person_update(actor=actor, person=person, expected_version=person.version)

    assert CasePerson.objects.filter(person=person).count() >= 1
    assert stale_copies() == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_edit_and_new_case_role_leave_no_stale_copy():
    """A caseworker moves a person to another state while a colleague adds the same person to a
    second case. Without the lock on the person's row in CasePerson.save() the new case role
    copied the state its transaction had read before the edit committed, and kept it."""
    actor = f.UserFactory(username="coord_party_race", role="coordinator")
    received = datetime(2025, 2, 3, 16, tzinfo=UTC)
    first_case = make_case(actor=actor, received_at=received)
    second_case = make_case(actor=actor, received_at=received)
    person = CasePerson.objects.filter(case=first_case, person__isnull=False).first().person
    moved_to = State.objects.exclude(pk=person.state_id).first()
    edited, errors, waited = threading.Event(), [], []

    def someone_waits_for_a_lock():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock'"
            )
            return cursor.fetchone()[0] > 0

    def edit():
        try:
            with transaction.atomic():
                mine = Person.objects.get(pk=person.pk)
                mine.state = moved_to
                services.person_update(actor=actor, person=mine, expected_version=mine.version)
                edited.set()
                for _ in range(150):  # hold the edit until the other writer waits for it
                    if someone_waits_for_a_lock():
                        waited.append(True)
                        break
                    time.sleep(0.02)
        except Exception as exc:  # noqa: BLE001 -- reported below
            errors.append(exc)
        finally:
            edited.set()
            connection.close()

    def add_to_second_case():
        edited.wait(5)
        try:
            services.case_person_add(
                actor=actor,
                case=second_case,
                party=Person.objects.get(pk=person.pk),  # read before the edit commits
                role=CaseRole.RELATIVE,
                relationship="Hermana",
            )
        except Exception as exc:  # noqa: BLE001 -- reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=edit), threading.Thread(target=add_to_second_case)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert CasePerson.objects.filter(case=second_case, person=person).exists()
    assert stale_copies() == []
    assert waited, "the second writer never waited for the edit: nothing was tested"
