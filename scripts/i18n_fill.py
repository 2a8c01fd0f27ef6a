"""Regenerate and fill the translation catalogues.

    python scripts/i18n_fill.py             # makemessages, fill, check, compile
    python scripts/i18n_fill.py --no-make   # fill the .po files as they are (no makemessages)

The source strings are Spanish, so es_MX gets msgstr = msgid. English comes from
locale/en/translations.json, a dictionary {msgid: translation} (plural entries map to
[singular, plural]; an entry with a context is keyed "context\\u0004msgid"). The dictionary wins
over what the .po file holds; a translated, non-fuzzy English entry that the dictionary lacks is
kept. Every translation must keep the placeholders and HTML tags of its msgid.

Prints the English entries still missing (or whose placeholders differ) and exits 1 if any.
Only the standard library and GNU gettext (msgcat, msgfmt) are needed; makemessages and
compilemessages run with the project's virtualenv when there is one.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess  # noqa: S404 - runs manage.py and gettext tools with fixed arguments
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "locale"
EN_DICTIONARY = LOCALE_DIR / "en" / "translations.json"
LANGUAGES = {"es_MX": "Spanish (Mexico)", "en": "English"}
# Folders that hold no user-facing strings of the application (or hold third-party code).
MAKEMESSAGES_IGNORE = [
    ".venv",
    "var",
    "bench",
    "test-artifacts",
    "tests",
    "scripts",
    "static",
    "staticfiles",
    "node_modules",
]
CONTEXT_SEPARATOR = "\x04"


def makemessages_args(locales=("es_MX", "en")) -> list[str]:
    """The makemessages arguments shared by this script and tests/test_translations.py."""
    args = ["makemessages", "--add-location=file"]
    for locale in locales:
        args += ["-l", locale]
    args += [f"--ignore={pattern}" for pattern in MAKEMESSAGES_IGNORE]
    return args


# ---------------------------------------------------------------- .po reading and writing


@dataclass
class Entry:
    comments: list[str] = field(default_factory=list)  # "#:" and "#." lines, kept verbatim
    flags: list[str] = field(default_factory=list)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    obsolete: bool = False

    @property
    def key(self) -> str:
        return f"{self.msgctxt}{CONTEXT_SEPARATOR}{self.msgid}" if self.msgctxt else self.msgid

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return bool(self.msgstr)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}


def _unquote(text: str) -> str:
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted string: {text!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


def _quote(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
    )
    parts = escaped.split("\n")
    if len(parts) == 1:
        return f'"{escaped}"'
    # Multi-line strings in gettext's own layout: an empty first line, then one line per "\n".
    lines = [p + "\\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    return '""\n' + "\n".join(f'"{line}"' for line in lines)


def parse_po(text: str) -> list[Entry]:
    entries: list[Entry] = []
    entry = Entry()
    current: tuple[str, int | None] | None = None
    started = False

    def flush():
        nonlocal entry, current, started
        if started:
            entries.append(entry)
        entry, current, started = Entry(), None, False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            started = True
            continue
        if line.startswith("#,"):
            if current is not None and current[0] != "comment":
                flush()
            entry.flags += [f.strip() for f in line[2:].split(",") if f.strip()]
            started = True
            continue
        if line.startswith("#|"):  # previous msgid of a fuzzy entry: meaningless once filled
            started = True
            continue
        if line.startswith("#"):
            if current is not None and current[0] != "comment":
                flush()
            entry.comments.append(raw)
            current = ("comment", None)
            started = True
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
        if match:
            name, index, value = match.group(1), match.group(2), _unquote(match.group(3))
            if name in ("msgctxt", "msgid") and current is not None and current[0] in ("msgstr",):
                flush()
            started = True
            if name == "msgstr" and index is not None:
                entry.msgstr_plural[int(index)] = value
                current = ("msgstr", int(index))
            else:
                setattr(entry, name, value)
                current = (name, None)
            continue
        if line.startswith('"') and current is not None and current[0] != "comment":
            name, index = current
            value = _unquote(line)
            if name == "msgstr" and index is not None:
                entry.msgstr_plural[index] += value
            else:
                setattr(entry, name, getattr(entry, name) + value)
            continue
        raise ValueError(f"cannot parse .po line: {raw!r}")
    flush()
    return entries


def format_po(entries: list[Entry]) -> str:
    blocks = []
    for entry in entries:
        if entry.obsolete:
            continue
        lines = list(entry.comments)
        if entry.flags:
            lines.append("#, " + ", ".join(entry.flags))
        if entry.msgctxt is not None:
            lines.append("msgctxt " + _quote(entry.msgctxt))
        lines.append("msgid " + _quote(entry.msgid))
        if entry.msgid_plural is not None:
            lines.append("msgid_plural " + _quote(entry.msgid_plural))
            for index in sorted(entry.msgstr_plural):
                lines.append(f"msgstr[{index}] " + _quote(entry.msgstr_plural[index]))
        else:
            lines.append("msgstr " + _quote(entry.msgstr))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


# ---------------------------------------------------------------- checks

_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[sdifrxXeEgGcaou%]")
_BRACE = re.compile(r"\{[^{}\s]*\}")
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")


def placeholders(text: str, flags: list[str]) -> Counter:
    found = Counter()
    if "python-format" in flags or "c-format" in flags:
        found.update(m for m in _PRINTF.findall(text) if m != "%%")
    if "python-brace-format" in flags:
        found.update(_BRACE.findall(text))
    # Tags must survive whole, attributes included (a translated href or class breaks the page).
    found.update(_TAG.findall(text))
    return found


def placeholder_problem(entry: Entry, source: str, translation: str) -> str | None:
    expected, got = placeholders(source, entry.flags), placeholders(translation, entry.flags)
    if expected != got:
        return f"placeholders/tags differ: expected {sorted(expected.elements())}, got {sorted(got.elements())}"
    return None


def entry_problems(entry: Entry) -> list[str]:
    """What is wrong with a catalogue entry: untranslated, fuzzy, or placeholders changed."""
    problems = []
    if entry.fuzzy:
        problems.append("fuzzy")
    if not entry.translated:
        problems.append("untranslated")
        return problems
    if entry.msgid_plural is None:
        problem = placeholder_problem(entry, entry.msgid, entry.msgstr)
        if problem:
            problems.append(problem)
    else:
        for index, text in entry.msgstr_plural.items():
            source = entry.msgid if index == 0 else entry.msgid_plural
            # A singular form may drop the count ("one case"), so only the plural forms must keep it.
            if index == 0:
                continue
            problem = placeholder_problem(entry, source, text)
            if problem:
                problems.append(f"msgstr[{index}]: {problem}")
    return problems


# ---------------------------------------------------------------- filling


def _fill_header(entry: Entry, locale: str) -> None:
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    entry.comments = [
        f"# {LANGUAGES[locale]} translations of the protection case-management system.",
        "# This file is regenerated by scripts/i18n_fill.py; English text lives in",
        "# locale/en/translations.json.",
    ]
    fields = []
    for line in entry.msgstr.splitlines():
        name, _, value = line.partition(":")
        fields.append([name, value.strip()])
    values = dict(fields)
    replacements = {
        "Project-Id-Version": "protection",
        "PO-Revision-Date": values.get("POT-Creation-Date", ""),
        "Last-Translator": "Protection project <noreply@example.org>",
        "Language-Team": LANGUAGES[locale],
        "Language": locale,
    }
    for pair in fields:
        if pair[0] in replacements:
            pair[1] = replacements[pair[0]]
    entry.msgstr = "".join(f"{name}: {value}\n" for name, value in fields)


def fill_es_mx(entries: list[Entry]) -> None:
    for entry in entries:
        if not entry.msgid:
            _fill_header(entry, "es_MX")
            continue
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
        if entry.msgid_plural is None:
            entry.msgstr = entry.msgid
        else:
            count = max(2, len(entry.msgstr_plural))
            entry.msgstr_plural = {
                i: entry.msgid if i == 0 else entry.msgid_plural for i in range(count)
            }


def load_dictionary(path: Path = EN_DICTIONARY) -> dict[str, str | list[str]]:
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def fill_en(entries: list[Entry], dictionary: dict) -> list[tuple[Entry, str]]:
    """Apply the dictionary; return the entries still wrong, each with the reason."""
    missing = []
    for entry in entries:
        if not entry.msgid:
            _fill_header(entry, "en")
            continue
        translation = dictionary.get(entry.key)
        if translation is not None:
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            if entry.msgid_plural is None:
                if not isinstance(translation, str):
                    missing.append((entry, "dictionary has a plural for a singular entry"))
                    continue
                entry.msgstr = translation
            else:
                if isinstance(translation, str) or len(translation) != 2:
                    missing.append((entry, "dictionary needs [singular, plural] for this entry"))
                    continue
                entry.msgstr_plural = {0: translation[0], 1: translation[1]}
        problems = entry_problems(entry)
        if problems:
            missing.append((entry, "; ".join(problems)))
    return missing


# ---------------------------------------------------------------- tools


def project_python() -> str:
    venv_python = ROOT / ".venv" / "bin" / "python"
    return str(venv_python) if venv_python.exists() else sys.executable


def run(args: list[str]) -> None:
    subprocess.run(args, cwd=ROOT, check=True)  # noqa: S603 - fixed argument lists


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "django.po"


def rewrite(path: Path, entries: list[Entry]) -> None:
    path.write_text(format_po(entries), encoding="utf-8")
    # msgcat lays the file out exactly as makemessages (msgmerge) does, so a later makemessages
    # run leaves no layout-only diff.
    if shutil.which("msgcat"):
        run(["msgcat", "--add-location=file", "-o", str(path), str(path)])


_DATE_LINE = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): .*$', re.M)


def keep_if_only_dates_changed(path: Path, before: str | None) -> None:
    """makemessages stamps a new date on every run: keep the old file when nothing else changed."""
    if before is not None and _DATE_LINE.sub(
        "", path.read_text(encoding="utf-8")
    ) == _DATE_LINE.sub("", before):
        path.write_text(before, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--no-make", action="store_true", help="skip makemessages")
    parser.add_argument("--no-compile", action="store_true", help="skip compilemessages")
    parser.add_argument("--unused", action="store_true", help="list dictionary keys no entry uses")
    options = parser.parse_args(argv)

    before = {
        locale: po_path(locale).read_text(encoding="utf-8") if po_path(locale).exists() else None
        for locale in LANGUAGES
    }
    if not options.no_make:
        run([project_python(), "manage.py", *makemessages_args(), "--verbosity=0"])

    es_entries = parse_po(po_path("es_MX").read_text(encoding="utf-8"))
    fill_es_mx(es_entries)
    rewrite(po_path("es_MX"), es_entries)
    keep_if_only_dates_changed(po_path("es_MX"), before["es_MX"])

    dictionary = load_dictionary()
    en_entries = parse_po(po_path("en").read_text(encoding="utf-8"))
    missing = fill_en(en_entries, dictionary)
    rewrite(po_path("en"), en_entries)
    keep_if_only_dates_changed(po_path("en"), before["en"])

    if shutil.which("msgfmt"):
        for locale in LANGUAGES:
            run(["msgfmt", "--check", "-o", os.devnull, str(po_path(locale))])
    if not options.no_compile:
        run(
            [
                project_python(),
                "manage.py",
                "compilemessages",
                "--verbosity=0",
                "--ignore=.venv",
                "--ignore=var",
            ]
        )

    used = {entry.key for entry in en_entries if entry.msgid}
    print(
        f"es_MX: {len(used)} entries filled; en: {len(used) - len(missing)} translated, {len(missing)} missing"
    )
    if options.unused:
        for key in sorted(set(dictionary) - used):
            print(f"unused dictionary key: {key!r}")
    for entry, reason in missing:
        where = " ".join(c[3:] for c in entry.comments if c.startswith("#:"))
        print(f"MISSING [{where}] {entry.key!r}: {reason}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
