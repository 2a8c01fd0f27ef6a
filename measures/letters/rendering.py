"""PDF rendering of letters (oficios): what a letter prints, rendered and stored through
protection/pdf.py (static files only; immutable, hash-named files).

- A new version of a letter is a new row and a new file.
- `letter_render_claimed` is what the Celery task runs. It claims the row with one conditional
  UPDATE, so two workers (or a redelivered task after a worker restart) never render the same
  letter twice, and a claim left by a dead worker expires after STALE_CLAIM.
"""

import base64
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import BytesIO
from types import SimpleNamespace

import qrcode
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from PIL import Image

from cases.models import CasePerson, LifeStatus
from measures.models import (
    GrantedMeasure,
    Letter,
    LetterStatus,
    LineAction,
    RecipientKind,
)
from protection import clocks
from protection.models import Clock, DurationUnit
from protection.pdf import html_to_pdf, pdf_store
from protection.redaction import measure_details_for

from .lifecycle import LETTER

log = logging.getLogger(__name__)

# The task's hard time limit is 120 s: a claim older than this belongs to a dead worker.
STALE_CLAIM = timedelta(seconds=150)

# ---------------------------------------------------------------------------------------------
# Letters


def public_url(path):
    """An address printed on paper: from the configured public base URL only, never from the
    host and port a request or a development server happens to use (production requires it)."""
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{path}"


def verification_url(code):
    return public_url(reverse("verify:letter", args=[code]))


QR_BOX = 4  # pixels per module


def qr_data_uri(text):
    # A fixed mask pattern skips qrcode's trial of all eight (most of its time); any mask scans.
    code = qrcode.QRCode(border=2, mask_pattern=0)
    code.add_data(text)
    code.make(fit=True)
    # One pixel per module, then scaled up: qrcode's own image drawing paints every module as
    # a rectangle, several times slower than the rest of the letter's context.
    matrix = code.get_matrix()
    size = len(matrix)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    image = image.resize((size * QR_BOX, size * QR_BOX), Image.NEAREST)
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@dataclass
class LetterLine:
    action: str
    measure: str
    covered: str
    authority: str
    authority_id: int
    duration_months: int | None
    details: str
    implementation_due_at: datetime | None
    review_due_at: datetime | None
    ended_at: datetime | None


def _party_name(party):
    if party is None:
        return ""
    if not party.person_id:
        return party.collective.name
    person = party.person
    if person.life_status != LifeStatus.ACTIVE:
        # A displaced, disappeared or deceased person is named as such in every list.
        return f"{person.full_name} [{person.get_life_status_display()}]"
    return person.full_name


# Letters print names only: the rows below read the columns they print, never the people's
# encrypted contact fields, and build no model instances (a decision has a dozen lines).
_PARTY_COLUMNS = (
    "person__given_names",
    "person__family_names",
    "person__life_status",
    "collective__name",
)
_LINE_COLUMNS = (
    "action",
    "details",
    "duration_months",
    "authority_id",
    "target_id",
    "measure_type__name",
    "measure_type__code",
    "authority__name",
    *(f"covered__{c}" for c in _PARTY_COLUMNS),
    "result__implementation_due_at",
    "result__review_due_at",
)
_MEASURE_COLUMNS = (
    "pk",
    "authority_id",
    "review_due_at",
    "ended_at",
    "measure_type__name",
    "measure_type__code",
    "authority__name",
    *(f"covered__{c}" for c in _PARTY_COLUMNS),
)


def _row_party_name(row):
    given = row["covered__person__given_names"]
    if given is not None:
        name = f"{given} {row['covered__person__family_names']}".strip()
        status = row["covered__person__life_status"]
        if status and status != LifeStatus.ACTIVE:
            # A displaced, disappeared or deceased person is named as such in every list.
            return f"{name} [{LifeStatus(status).label}]"
        return name
    return row["covered__collective__name"] or ""


def _row_details(row, details):
    return measure_details_for(None, SimpleNamespace(code=row["measure_type__code"]), details)


def decision_letter_lines(decision):
    """What the decision did to each measure, from its recorded lines (and, for a withdrawal of
    everything, the measures it ended). The letters print exactly these."""
    lines = []
    ended_by_lines = set()
    rows = list(decision.lines.order_by("pk").values(*_LINE_COLUMNS))
    target_ids = {r["target_id"] for r in rows if r["action"] != LineAction.GRANT}
    targets = (
        {
            m["pk"]: m
            for m in GrantedMeasure.objects.filter(pk__in=target_ids).values(*_MEASURE_COLUMNS)
        }
        if target_ids
        else {}
    )
    for row in rows:
        if row["action"] == LineAction.GRANT:
            lines.append(
                LetterLine(
                    action=_("Se otorga"),
                    measure=row["measure_type__name"],
                    covered=_row_party_name(row),
                    authority=row["authority__name"],
                    authority_id=row["authority_id"],
                    duration_months=row["duration_months"],
                    details=_row_details(row, row["details"]),
                    implementation_due_at=row["result__implementation_due_at"],
                    review_due_at=row["result__review_due_at"],
                    ended_at=None,
                )
            )
            continue
        target = targets[row["target_id"]]
        if row["action"] == LineAction.RESTORE:
            lines.append(
                LetterLine(
                    action=_("Se restablece"),
                    measure=target["measure_type__name"],
                    covered=_row_party_name(target),
                    authority=target["authority__name"],
                    authority_id=target["authority_id"],
                    duration_months=row["duration_months"],
                    details=_row_details(target, row["details"]),
                    implementation_due_at=row["result__implementation_due_at"],
                    review_due_at=row["result__review_due_at"],
                    ended_at=None,
                )
            )
            continue
        if row["action"] == LineAction.EXTEND:
            lines.append(
                LetterLine(
                    action=_("Se prorroga"),
                    measure=target["measure_type__name"],
                    covered=_row_party_name(target),
                    authority=target["authority__name"],
                    authority_id=target["authority_id"],
                    duration_months=row["duration_months"],
                    details=_row_details(target, row["details"]),
                    implementation_due_at=None,
                    review_due_at=target["review_due_at"],
                    ended_at=None,
                )
            )
        elif row["action"] in (LineAction.SUSPEND, LineAction.RESUME):
            resumed = row["action"] == LineAction.RESUME
            lines.append(
                LetterLine(
                    action=_("Se reanuda") if resumed else _("Se suspende"),
                    measure=target["measure_type__name"],
                    covered=_row_party_name(target),
                    authority=target["authority__name"],
                    authority_id=target["authority_id"],
                    duration_months=None,
                    details=_row_details(target, row["details"]),
                    implementation_due_at=None,
                    review_due_at=target["review_due_at"] if resumed else None,
                    ended_at=None,
                )
            )
        else:
            ended_by_lines.add(target["pk"])
            lines.append(_ended_line(target, row["details"]))
    # A withdrawal or a denial ends measures without naming them in lines (decision_confirm):
    # every measure the decision ended is printed, once.
    for measure in decision.ended_measures.order_by("pk").values(*_MEASURE_COLUMNS):
        if measure["pk"] not in ended_by_lines:
            lines.append(_ended_line(measure, ""))
    return lines


def _ended_line(measure, details):
    return LetterLine(
        action=_("Concluye"),
        measure=measure["measure_type__name"],
        covered=_row_party_name(measure),
        authority=measure["authority__name"],
        authority_id=measure["authority_id"],
        duration_months=None,
        details=_row_details(measure, details),
        implementation_due_at=None,
        review_due_at=None,
        ended_at=measure["ended_at"],
    )


def _local_date(value):
    if value is None:
        return ""
    # Spanish writes month names in lower case ("3 de mayo de 2026").
    return date_format(
        timezone.localtime(value, clocks.mechanism_zone()), "j \\d\\e F \\d\\e Y"
    ).lower()


def _local_datetime(value):
    if value is None:
        return ""
    local = timezone.localtime(value, clocks.mechanism_zone())
    return date_format(local, "j \\d\\e F \\d\\e Y, H:i").lower() + " h"


def _clock_words(rule):
    unit = {
        DurationUnit.MINUTES: _("minutos"),
        DurationUnit.HOURS: _("horas"),
        DurationUnit.DAYS: _("días naturales"),
        DurationUnit.MONTHS: _("meses"),
    }[rule.unit]
    return f"{rule.amount} {unit}"


LAW_NAME = "Ley para la Protección de Personas Defensoras de Derechos Humanos y Periodistas"
# "Artículos 8 y 29", "Arts. 8 y 29", "Art. 29", "artículo 29", optionally after "Con fundamento en".
_BASIS_LEAD = re.compile(
    r"^(?:con\s+fundamento\s+en\s+)?(?:(?:el|los)\s+)?(?:art[íi]culos?|arts?\.?)\s*",
    re.IGNORECASE,
)
_OTHER_LAWS = re.compile(
    r"\b(ley|reglamento|constituci[óo]n|c[óo]digo|lineamientos?|acuerdo|convenio)\b", re.IGNORECASE
)

_SHORT_LAW = re.compile(r"\bla Ley(?=$|[,;]| y | e )")


def legal_basis_phrase(text):
    """The decision's recorded legal basis as it reads after "Con fundamento en": with its
    article ("los artículos 8, 29 y 33", "el artículo 29"), the Law's full name where the basis
    says just "de la Ley" or names no law, and no closing period before the letter's comma.
    The articles cited are the decision's own; only the grammar around them is written here."""
    basis = " ".join((text or "").split()).rstrip(" .;,:")
    match = _BASIS_LEAD.match(basis)
    if match and match.end() < len(basis) and basis[match.end()].isdigit():
        rest = basis[match.end() :]
        cited = re.split(r"\s+del?\s+", rest, maxsplit=1)[0]
        plural = len(re.findall(r"\d+", cited)) > 1
        basis = ("los artículos " if plural else "el artículo ") + rest
    elif basis[:1].isupper() and basis.split(" ", 1)[0].lower() == "ley":
        basis = "la " + basis
    if _OTHER_LAWS.search(basis):
        # "la Ley" on its own (at the end, or before "y", a comma...) is the Law: named in full.
        basis = _SHORT_LAW.sub(f"la {LAW_NAME}", basis)
    else:
        basis = f"{basis} de la {LAW_NAME}"
    return basis


_OF_ARTICLE = {"la": "de la", "el": "del", "las": "de las", "los": "de los"}


def authority_addressee(authority):
    """(name, post) of the person a letter to `authority` is addressed to: "Mtra. Ana López
    Ruiz", "Titular de la Secretaría de Seguridad…". A post that already names the authority
    is printed as recorded."""
    post = authority.addressee_post.strip() or _("Titular")
    names = [n for n in (authority.name, authority.short_name) if n]
    if not any(re.search(rf"\b{re.escape(n)}\b", post, re.IGNORECASE) for n in names):
        post = f"{post} {_OF_ARTICLE.get(authority.name_article, 'de')} {authority.name}"
    return authority.addressee_name.strip(), post


def named_copy(authority):
    """A C.c.p. line naming the head of `authority` with the name and post recorded for its
    letters: "Mtra. Ana López Ruiz, Titular de la Secretaría….- Para su conocimiento"."""
    name, post = authority_addressee(authority)
    person = (f"{name}, {post}" if name else post).rstrip(" .")  # "S.A. de C.V.-", not "..-"
    return _("%(person)s.- Para su conocimiento") % {"person": person}


def authority_copies(authority):
    """The copies of the letters to `authority` beyond those every letter carries: the heads of
    other authorities by name and post (the contractor of a subcontractor first), then the
    authority's own free lines."""
    named = []
    if authority.subcontractor_of_id and authority.subcontractor_of.active:
        named.append(authority.subcontractor_of)
    skip = {authority.pk, authority.subcontractor_of_id}
    named += sorted(
        (a for a in authority.copy_authorities.all() if a.active and a.pk not in skip),
        key=lambda a: (a.level, a.name),
    )
    return [named_copy(a) for a in named] + [
        line.strip() for line in authority.copy_to.splitlines() if line.strip()
    ]


def letter_copies(letter):
    """The C.c.p. lines: those every letter carries (LETTER_COPY_TO), the heads of other
    authorities named by their recorded name and post (the contractor of a subcontractor, and
    those the authority's copy list names), the authority's own free lines, and the case file."""
    copies = list(settings.LETTER_COPY_TO)
    if letter.recipient_kind == RecipientKind.AUTHORITY:
        copies += authority_copies(letter.recipient_authority)
    copies.append(_("Expediente %(number)s") % {"number": letter.decision.case.file_number})
    return [c for c in copies if c]


def letter_context(letter, *, issued_at):
    decision = letter.decision
    lines = decision_letter_lines(decision)
    if letter.recipient_kind == RecipientKind.AUTHORITY:
        lines = [ln for ln in lines if ln.authority_id == letter.recipient_authority_id]
        authority = letter.recipient_authority
        addressee_name, addressee_post = authority_addressee(authority)
        # Template oficio-2026.1 (letters planned before 2026.2) printed these two.
        addressee = authority.addressee_post or _("Titular")
        institution = authority.name
    else:
        party = letter.recipient_party
        addressee = _party_name(party)
        institution = ""
        if party is not None and party.person_id:
            addressee_name = _("C. %(name)s") % {"name": addressee}
            addressee_post = _("Persona beneficiaria del Mecanismo")
        else:
            addressee_name = addressee
            addressee_post = _("Colectivo beneficiario del Mecanismo")
    rules = clocks.rules()
    session = decision.session
    previous = letter.supersedes.order_by("-version").first() if letter.version > 1 else None
    url = verification_url(letter.verification_code)
    return {
        "letter": letter,
        "decision": decision,
        "session": session,
        "session_date": _local_date(session.scheduled_at) if session else "",
        "case": decision.case,
        "lines": [
            {
                **ln.__dict__,
                "implementation_due": _local_date(ln.implementation_due_at),
                "review_due": _local_date(ln.review_due_at),
                "ended": _local_date(ln.ended_at),
            }
            for ln in lines
        ],
        "addressee": addressee,
        "institution": institution,
        "addressee_name": addressee_name,
        "addressee_post": addressee_post,
        "legal_basis": legal_basis_phrase(decision.legal_basis),
        "copies": letter_copies(letter),
        "letterhead_ministry": settings.LETTER_HEAD_MINISTRY,
        "letterhead_unit": settings.LETTER_HEAD_UNIT,
        "is_authority": letter.recipient_kind == RecipientKind.AUTHORITY,
        "mechanism_name": settings.MECHANISM_NAME,
        "place": settings.LETTER_PLACE,
        "issued_date": _local_date(issued_at),
        "confirmed_date": _local_date(decision.confirmed_at),
        "notification_due": _local_datetime(decision.notification_due_at),
        "notification_rule": _clock_words(rules[Clock.NOTIFICATION]),
        "implementation_rule": _clock_words(rules[Clock.IMPLEMENTATION]),
        "signatory_name": settings.LETTER_SIGNATORY_NAME,
        "signatory_post": settings.LETTER_SIGNATORY_POST,
        "signatory_title": settings.LETTER_SIGNATORY_POST,  # the name in oficio-2026.1
        "verification_url": url,
        "qr": qr_data_uri(url),
        "previous": previous,
    }


def letter_pdf(letter, *, issued_at=None):
    """The PDF bytes of `letter`, from the template version recorded on the row."""
    issued_at = issued_at or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            f"letters/{letter.template_version}.html", letter_context(letter, issued_at=issued_at)
        )
    return html_to_pdf(html)


def _letter_for_render(letter_id):
    """The letter with what its template prints, in joins of a few tables each (see
    decision_letter_lines); the superseded decision is read by primary key when there is one."""
    letter = Letter.objects.select_related(
        "decision__session",
        "decision__case",
        "decision__confirmed_risk_level",
        "recipient_authority",
    ).get(pk=letter_id)
    if letter.recipient_party_id:
        # The name only (see _PARTY_COLUMNS): contact fields stay encrypted and unread.
        letter.recipient_party = (
            CasePerson.objects.select_related("person", "collective")
            .only("person_id", "collective_id", *_PARTY_COLUMNS)
            .get(pk=letter.recipient_party_id)
        )
    return letter


def letter_claim(letter_id, *, now=None):
    """Claim a letter for rendering: one conditional UPDATE. Returns the claim time, or None if
    the letter is done, superseded, or being rendered by someone else right now.
    (A bare .update() writes no history row: a claim is bookkeeping, not a change of the letter;
    the outcome is saved with history.)"""
    now = now or timezone.now()
    claimed = (
        Letter.objects.filter(pk=letter_id, status__in=[LetterStatus.PENDING, LetterStatus.FAILED])
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_CLAIM))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    return now if claimed else None


def letter_render_claimed(letter_id):
    """Render and store one letter if this worker can claim it. Safe to run any number of
    times, concurrently or after a crash: returns "generated", "skipped" or "failed"."""
    claimed_at = letter_claim(letter_id)
    if claimed_at is None:
        return "skipped"
    try:
        letter = _letter_for_render(letter_id)
        pdf = letter_pdf(letter, issued_at=claimed_at)
        safe_number = letter.number.replace("/", "-").replace(" ", "")
        name, digest = pdf_store(f"letters/{safe_number}-v{letter.version}", pdf)
        with transaction.atomic():
            row = Letter.objects.select_for_update().get(pk=letter_id)
            if row.claimed_at != claimed_at or row.status not in (
                LetterStatus.PENDING,
                LetterStatus.FAILED,
            ):
                # Our claim went stale and another worker took over, or the letter was superseded
                # meanwhile. The stored file is content-addressed and harmless.
                return "skipped"
            row.file.name = name
            LETTER.transition(
                row,
                "render",
                actor=None,
                reason=_("Oficio generado"),
                content_sha256=digest,
                generated_at=timezone.now(),
                claimed_at=None,
                last_error="",
            )
        return "generated"
    except (OperationalError, InterfaceError):
        _release(letter_id, claimed_at, error=None)
        raise  # transient: the task retries
    except Exception as exc:
        log.exception("letter %s failed to render", letter_id)
        _release(letter_id, claimed_at, error=f"{type(exc).__name__}: {exc}")
        return "failed"


def _release(letter_id, claimed_at, *, error):
    try:
        mine = Letter.objects.filter(pk=letter_id, claimed_at=claimed_at)
        if error is None:
            mine.update(claimed_at=None)
        else:
            LETTER.bulk(mine, "fail", claimed_at=None, last_error=error[:2000])
    except (OperationalError, InterfaceError):
        log.warning("could not release the claim on letter %s; it expires by itself", letter_id)
