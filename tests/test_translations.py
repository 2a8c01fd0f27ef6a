"""Spanish (es-MX) is the default, English is complete, and makemessages leaves nothing to translate.

The catalogue test runs makemessages on a copy of the source tree, so it never touches the repo's
locale/ while other people work, and sees the strings exactly as `python scripts/i18n_fill.py`
does. When it fails: run that script, add the English entries it lists to
locale/en/translations.json, and run it again.
"""

import datetime as dt
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from . import factories as f

ROOT = Path(settings.BASE_DIR)
LOCALES = ("es_MX", "en")


def _load_fill_script():
    spec = importlib.util.spec_from_file_location("i18n_fill", ROOT / "scripts" / "i18n_fill.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


i18n_fill = _load_fill_script()


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory):
    """makemessages over a copy of the sources and of locale/: {locale: path of its django.po}."""
    tree = tmp_path_factory.mktemp("i18n") / "src"
    skip = {*i18n_fill.MAKEMESSAGES_IGNORE, ".git", ".ruff_cache", ".pytest_cache"}
    for item in ROOT.iterdir():
        if item.name in skip or item.name.startswith("."):
            continue
        if item.is_dir():
            shutil.copytree(
                item,
                tree / item.name,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"),
            )
        elif item.suffix in {".py", ".html", ".txt"}:
            shutil.copy2(item, tree / item.name)
    cwd = Path.cwd()
    try:
        # makemessages walks "." and writes into the first LOCALE_PATHS entry: both are the copy.
        os.chdir(tree)
        with override_settings(LOCALE_PATHS=[tree / "locale"]):
            call_command(
                "makemessages",
                locale=list(LOCALES),
                ignore_patterns=list(i18n_fill.MAKEMESSAGES_IGNORE),
                add_location="file",  # as scripts/i18n_fill.py runs it
                verbosity=0,
            )
    finally:
        os.chdir(cwd)
    return {locale: tree / "locale" / locale / "LC_MESSAGES" / "django.po" for locale in LOCALES}


@pytest.mark.parametrize("locale", LOCALES)
def test_makemessages_leaves_no_entry_untranslated_or_fuzzy(fresh_catalogues, locale):
    po = fresh_catalogues[locale]
    entries = i18n_fill.parse_po(po.read_text(encoding="utf-8"))
    header, messages = entries[0], entries[1:]
    assert header.msgid == "" and "fuzzy" not in header.flags
    assert f"Language: {locale}\n" in header.msgstr
    # The source tree really was scanned (a wrong walk would give an empty catalogue).
    assert len(messages) > 1000
    assert any(e.msgid == "Mi trabajo" for e in messages)

    problems = []
    for entry in messages:
        issues = i18n_fill.entry_problems(entry)
        if locale == "es_MX" and entry.translated and entry.msgid_plural is None:
            if entry.msgstr != entry.msgid:
                issues.append("es_MX text differs from the Spanish source")
        if issues:
            where = " ".join(c[3:] for c in entry.comments if c.startswith("#:"))
            problems.append(f"[{where}] {entry.msgid!r}: {'; '.join(issues)}")
    assert not problems, (
        f"{len(problems)} {locale} entries need work (python scripts/i18n_fill.py):\n"
        + "\n".join(problems[:50])
    )


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext is not installed")
@pytest.mark.parametrize("locale", LOCALES)
def test_catalogues_pass_msgfmt_check(fresh_catalogues, locale):
    for po in (fresh_catalogues[locale], ROOT / "locale" / locale / "LC_MESSAGES" / "django.po"):
        result = subprocess.run(  # noqa: S603 - fixed arguments
            ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_fill_script_fills_spanish_and_reports_missing_english():
    po = """msgid ""
msgstr ""
"Language: \\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

#: x.py
#, python-format
msgid "%(n)s plazo vencido"
msgid_plural "%(n)s plazos vencidos"
msgstr[0] ""
msgstr[1] ""

#: x.py
#, fuzzy, python-format
#| msgid "Hola %(name)s"
msgid "Hola, %(name)s"
msgstr "Hola %(name)s"

#: x.py
msgid "Sin traducir"
msgstr ""
"""
    es = i18n_fill.parse_po(po)
    i18n_fill.fill_es_mx(es)
    assert es[1].msgstr_plural == {0: "%(n)s plazo vencido", 1: "%(n)s plazos vencidos"}
    assert es[2].msgstr == "Hola, %(name)s" and not es[2].fuzzy
    assert "Language: es_MX\n" in es[0].msgstr
    # What the script writes reads back the same.
    again = i18n_fill.parse_po(i18n_fill.format_po(es))
    assert [(e.msgid, e.msgstr, e.msgstr_plural) for e in again] == [
        (e.msgid, e.msgstr, e.msgstr_plural) for e in es
    ]

    en = i18n_fill.parse_po(po)
    dictionary = {
        "%(n)s plazo vencido": ["%(n)s overdue deadline", "%(n)s overdue deadlines"],
        "Hola, %(name)s": "Hello, %(nombre)s",  # a broken placeholder is reported, not accepted
    }
    missing = {entry.msgid: reason for entry, reason in i18n_fill.fill_en(en, dictionary)}
    assert en[1].msgstr_plural == {0: "%(n)s overdue deadline", 1: "%(n)s overdue deadlines"}
    assert set(missing) == {"Hola, %(name)s", "Sin traducir"}
    assert "placeholders" in missing["Hola, %(name)s"]
    assert missing["Sin traducir"] == "untranslated"


# ---------------------------------------------------------------- pages


@pytest.fixture
def compiled_catalogues():
    for locale in LOCALES:
        po = ROOT / "locale" / locale / "LC_MESSAGES" / "django.po"
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime, (
            f"{mo} is missing or older than its .po: run `make compilemessages`"
        )


@pytest.mark.usefixtures("compiled_catalogues")
def test_login_page_is_spanish_by_default_and_english_with_the_language_cookie(client):
    # Spanish unless the person switches, even when the browser asks for English.
    spanish = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="es-mx">' in spanish
    assert "Iniciar sesión" in spanish and "Contraseña" in spanish
    assert "Sign in" not in spanish

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in english
    assert "Sign in" in english and "Password" in english
    assert "Iniciar sesión" not in english and "Contraseña" not in english


@pytest.mark.usefixtures("compiled_catalogues")
@pytest.mark.django_db
def test_header_language_switch_turns_the_home_page_english(client):
    client.force_login(f.UserFactory(username="idioma_t"))
    home = client.get(reverse("home")).content.decode()
    assert "Mi trabajo" in home and "Cambiar idioma" in home
    assert 'action="/i18n/setlang/"' in home

    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    home = client.get(reverse("home")).content.decode()
    assert "My work" in home and "Change language" in home and "Sign out" in home
    assert "Mi trabajo" not in home and "Cambiar idioma" not in home


@pytest.mark.usefixtures("compiled_catalogues")
def test_dates_numbers_and_plurals_follow_the_language():
    template = Template(
        '{% load protection_tags %}{{ day|date:"DATE_FORMAT" }}|{{ amount|floatformat:"2g" }}|'
        "{% clock soon %}|{% clock later %}"
    )
    now = timezone.now()
    context = {
        "day": dt.date(2026, 5, 4),
        "amount": 1234567.5,
        "soon": now + dt.timedelta(hours=1, minutes=30),
        "later": now + dt.timedelta(days=3, hours=2),
    }
    with translation.override("es-mx"):
        spanish = template.render(Context(context))
    with translation.override("en"):
        english = template.render(Context(context))

    s_date, s_amount, s_soon, s_later = spanish.split("|")
    e_date, e_amount, e_soon, e_later = english.split("|")
    # One date format per language (protection/formats): day/month/year as Mexican offices
    # write it; day, month name and year in English (never the ambiguous 04/05/2026).
    assert s_date == "04/05/2026"
    assert e_date == "4 May 2026"
    # Mexico writes numbers like the English-speaking world (NOM-008), not like Spain (1.234.567,50).
    assert s_amount == e_amount == "1,234,567.50"
    assert "vence en 1 hora<" in s_soon and "vence en 3 días<" in s_later
    assert "due in 1 hour<" in e_soon and "due in 3 days<" in e_later
