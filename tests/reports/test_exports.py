"""Exports: scope, redaction by role, formula neutralising, logging, and background jobs with
progress, owner-only downloads and expiry."""

import csv
import io
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases.documents.models import StoredFile
from cases.models import Consent, ConsentPurpose
from protection.reports import exports, services
from protection.reports.models import ExportJob, ExportMode, ExportStatus
from protection.reports.tasks import export_build
from tests import factories as f

from .builders import make_case

pytestmark = pytest.mark.django_db

D = timedelta(days=1)
FORMULA = '=HYPERLINK("http://example.org/x","clic")'


@pytest.fixture
def people(db):
    return {
        "coordinator": f.UserFactory(username="exp_coord", role="coordinator"),
        "consultant": f.UserFactory(username="exp_consultant", role="consultant"),
        "follow_up": f.UserFactory(username="exp_follow", role="follow_up"),
        "other": f.UserFactory(username="exp_other", role="coordinator"),
    }


@pytest.fixture
def cases(people):
    actor = people["coordinator"]
    authority = f.AuthorityFactory(short_name="GN")
    start = datetime(2025, 2, 3, 16, tzinfo=UTC)
    made = [
        make_case(
            actor=actor,
            received_at=start + i * D,
            admitted=True,
            study_after=5 * D,
            decision_after=5 * D,
            measures=[
                {
                    "authority": authority,
                    "type": "safe_house",
                    "details": "Casa de resguardo en calle Secreta 9",
                }
            ],
            aggressions=[{"after": 20 * D, "place": "-Domicilio particular", "types": ["threat"]}],
        )
        for i in range(3)
    ]
    person = made[0].parties.get().person
    person.given_names = FORMULA
    person.phone = "+52 55 1234 5678"
    person.save()
    Consent.objects.create(
        case=made[0],
        purpose=ConsentPurpose.THIRD_PARTY,
        third_party_user=people["consultant"],
        given_at=timezone.now(),
        evidence="Escrito firmado.",
        recorded_by=actor,
    )
    return made


def post_export(client, kind, fmt, **params):
    url = reverse("reports:export", args=[kind, fmt])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return client.post(url)


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_case_export_csv_neutralises_formulas_and_keeps_staff_contact_details(
    client, people, cases
):
    client.force_login(people["coordinator"])
    response = post_export(client, "cases", "csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = read_csv(response)
    header, data = rows[0], rows[1:]
    assert len(data) == 3
    row = next(r for r in data if r[0] == cases[0].file_number)
    names = row[header.index("Beneficiarias")]
    assert names.startswith("'=HYPERLINK")
    assert row[header.index("Teléfono")] == "'+52 55 1234 5678"  # staff see it, as text
    for r in data:
        for value in r:
            assert not value.startswith(exports.FORMULA_PREFIXES)


def test_xlsx_export_has_no_formula_cells(client, people, cases):
    client.force_login(people["coordinator"])
    response = post_export(client, "cases", "xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows() for cell in row]
    assert any(
        cell.value == "'" + FORMULA + " Prueba" or str(cell.value).startswith("'=HYPERLINK")
        for cell in values
    )
    assert all(cell.data_type != "f" for cell in values)


def test_consultant_exports_only_consented_cases_with_contacts_redacted(client, people, cases):
    from protection.reports.exports import redact

    client.force_login(people["consultant"])
    rows = read_csv(post_export(client, "cases", "csv"))
    header, data = rows[0], rows[1:]
    assert [r[0] for r in data] == [cases[0].file_number]  # scope: the consented case only
    expected = redact(people["consultant"], "Person.phone", "+52 55 1234 5678")
    assert expected != "+52 55 1234 5678"
    for column in ("Teléfono", "Correo electrónico", "Domicilio"):
        assert data[0][header.index(column)] == expected
    assert "1234" not in response_text(data)


def response_text(rows):
    return "\n".join(",".join(r) for r in rows)


def test_safe_house_details_and_aggression_place_are_redacted_for_outsiders(client, people, cases):
    client.force_login(people["consultant"])
    measures = read_csv(post_export(client, "measures", "csv"))
    assert "Secreta" not in response_text(measures)
    aggressions = read_csv(post_export(client, "aggressions", "csv"))
    assert "Domicilio particular" not in response_text(aggressions)
    client.force_login(people["coordinator"])
    measures = read_csv(post_export(client, "measures", "csv"))
    assert "Casa de resguardo en calle Secreta 9" in response_text(measures)
    aggressions = read_csv(post_export(client, "aggressions", "csv"))
    places = [r[aggressions[0].index("Lugar")] for r in aggressions[1:]]
    assert places == ["'-Domicilio particular"] * 3  # neutralised, not executed


def test_every_export_is_logged_with_its_filters(client, people, cases):
    client.force_login(people["coordinator"])
    post_export(client, "cases", "csv", status="follow_up")
    job = ExportJob.objects.get(requested_by=people["coordinator"])
    assert (job.kind, job.file_format, job.mode, job.status) == (
        "cases",
        "csv",
        ExportMode.IMMEDIATE,
        ExportStatus.DONE,
    )
    assert job.params == {"status": ["follow_up"]} and job.rows_total == 3


def test_filters_from_the_query_string_apply(client, people, cases):
    client.force_login(people["coordinator"])
    rows = read_csv(post_export(client, "cases", "csv", status="received"))
    assert len(rows) == 1  # header only: no case is at that stage
    rows = read_csv(
        post_export(client, "aggressions", "csv", date_from="2025-02-24", date_to="2025-02-24")
    )
    assert len(rows) == 1 + 1


def test_export_requires_post_and_a_known_list(client, people, cases):
    client.force_login(people["coordinator"])
    assert client.get(reverse("reports:export", args=["cases", "csv"])).status_code == 405
    assert post_export(client, "users", "csv").status_code == 404
    assert post_export(client, "cases", "pdf").status_code == 404


def test_export_query_count_does_not_grow(client, people, cases, django_assert_max_num_queries):
    from django.test.utils import CaptureQueriesContext

    client.force_login(people["coordinator"])
    with CaptureQueriesContext(connection) as before:
        post_export(client, "cases", "csv")
    authority = f.AuthorityFactory()
    for i in range(6):
        make_case(
            actor=people["coordinator"],
            received_at=datetime(2025, 3, 1 + i, tzinfo=UTC),
            admitted=True,
            study_after=D,
            decision_after=D,
            measures=[{"authority": authority}],
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        post_export(client, "cases", "csv")


# --- background jobs ---------------------------------------------------------------------------


@pytest.fixture
def background(settings):
    settings.REPORT_EXPORT_SYNC_MAX_ROWS = 2


def test_large_export_becomes_a_background_job_with_progress_and_a_download(
    client, people, cases, background, django_capture_on_commit_callbacks
):
    client.force_login(people["coordinator"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_export(client, "cases", "xlsx")
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:export_job", args=[job.pk])
    assert (job.mode, job.status, job.rows_total) == (
        ExportMode.BACKGROUND,
        ExportStatus.PENDING,
        3,
    )
    assert len(callbacks) == 1  # the worker is queued after commit

    partial = client.get(reverse("reports:export_job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in partial.content.decode()
    assert "<html" not in partial.content.decode()

    assert export_build.apply(args=[str(job.pk)]).get() is True
    assert services.export_job_run(job.pk) is False  # a second delivery does nothing
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.rows_done == 3 and job.attempts == 1
    assert timedelta(hours=23) < job.expires_at - timezone.now() <= timedelta(hours=24)

    page = client.get(reverse("reports:export_job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "every 2s" not in page.content.decode()
    assert reverse("reports:export_download", args=[job.pk]) in page.content.decode()
    download = client.get(reverse("reports:export_download", args=[job.pk]))
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet.max_row == 4
    job.refresh_from_db()
    assert job.download_count == 1


def test_only_the_requester_may_see_or_download_a_job(client, people, cases, background):
    client.force_login(people["coordinator"])
    post_export(client, "cases", "csv")
    job = ExportJob.objects.get()
    services.export_job_run(job.pk)
    client.force_login(people["other"])  # same role, not the requester
    assert client.get(reverse("reports:export_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:export_download", args=[job.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("reports:export_download", args=[job.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_file_is_never_under_a_public_url(client, people, cases, background):
    client.force_login(people["coordinator"])
    post_export(client, "cases", "csv")
    job = ExportJob.objects.get()
    services.export_job_run(job.pk)
    job.refresh_from_db()
    assert client.get("/media/" + job.file.name).status_code == 404


def test_downloads_expire_and_the_purge_deletes_the_file(client, people, cases, background):
    client.force_login(people["coordinator"])
    post_export(client, "cases", "csv")
    job = ExportJob.objects.get()
    services.export_job_run(job.pk)
    job.refresh_from_db()
    name = job.file.name
    assert default_storage.exists(name) and StoredFile.objects.filter(storage_name=name).exists()
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(reverse("reports:export_download", args=[job.pk])).status_code == 410
    assert services.exports_purge_expired() == 1
    job.refresh_from_db()
    assert job.status == ExportStatus.EXPIRED and not job.file
    # The file is gone, and its key with it (nothing left to decrypt a stray copy).
    assert not default_storage.exists(name)
    assert not StoredFile.objects.filter(storage_name=name).exists()
    assert client.get(reverse("reports:export_download", args=[job.pk])).status_code == 410


def test_a_job_rechecks_the_requesters_rights(client, people, cases, background):
    client.force_login(people["coordinator"])
    post_export(client, "cases", "csv")
    job = ExportJob.objects.get()
    people["coordinator"].role = "administrator"
    people["coordinator"].save()
    with pytest.raises(Exception):  # noqa: B017 -- PermissionDenied, recorded on the row
        services.export_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and not job.file


def test_background_export_is_written_to_the_audit_log(client, people, cases, background):
    audit = pytest.importorskip("protection.security.models")
    client.force_login(people["coordinator"])
    post_export(client, "cases", "csv")
    job = ExportJob.objects.get()
    services.export_job_run(job.pk)
    assert audit.AuditEntry.objects.filter(action="export", object_id=str(job.pk)).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_claim_a_job_once(people):
    job = ExportJob.objects.create(
        requested_by=people["coordinator"],
        requested_role="coordinator",
        kind="cases",
        file_format="csv",
        mode=ExportMode.BACKGROUND,
    )
    results = []
    barrier = threading.Barrier(2)

    def claim():
        from django.db import connection as thread_connection

        barrier.wait()
        results.append(services.export_claim(job.pk))
        thread_connection.close()

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]


def test_neutralise_covers_every_formula_prefix():
    for prefix in ("=", "+", "-", "@", "\t", "\r"):
        assert exports.neutralise(prefix + "1+1") == "'" + prefix + "1+1"
    assert exports.neutralise("Texto normal") == "Texto normal"
    assert exports.neutralise(42) == 42


@override_settings(REPORT_EXPORT_SYNC_MAX_ROWS=0)
def test_an_empty_list_is_exported_immediately(client, people):
    client.force_login(people["coordinator"])
    rows = read_csv(post_export(client, "aggressions", "csv"))
    assert len(rows) == 1
