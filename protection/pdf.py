"""HTML to PDF with WeasyPrint, and immutable storage of the PDFs (letters, Board papers, case
summaries).

- WeasyPrint reaches only the app's own static files (StaticOnlyFetcher): a template that points
  at any other URL gets nothing, so rendering never calls out of the machine.
- Files are immutable: each is stored under a name that contains its own SHA-256, never over an
  existing file.
"""

import hashlib
import logging
import mimetypes
import posixpath
import threading
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# WeasyPrint logs every layout step at INFO; keep worker logs to what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Documents are rendered against this made-up origin; the fetcher maps its /static/ paths to the
# app's static files and refuses everything else.
RENDER_ORIGIN = "https://mecanismo.invalid"


class FetchRefused(ValueError):
    """The document asked for a resource outside the app's static files."""


class StaticOnlyFetcher(URLFetcher):
    """Serves the app's own static files (and inline data: URIs, which involve no fetching);
    refuses every other URL — http(s) elsewhere, file://, ftp://, path traversal."""

    def __init__(self):
        super().__init__(allowed_protocols=("https", "data"), allow_redirects=False, timeout=1)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        prefix = f"{RENDER_ORIGIN}/{settings.STATIC_URL.strip('/')}/"
        if not url.startswith(prefix):
            raise FetchRefused(f"refused: {url}")
        parts = urlsplit(url)
        relative = unquote(parts.path)[len(urlsplit(prefix).path) :]
        normalised = posixpath.normpath(relative)
        if normalised.startswith(("../", "/")) or normalised in ("..", "."):
            raise FetchRefused(f"refused: {url}")
        body, content_type = _static_file(normalised)
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


# Static files do not change while a process runs (collectstatic happens at deploy, before the
# workers start): each is looked up and read once per process. With DEBUG, every render
# reads the file again, so that an edited stylesheet shows at once.
_STATIC_CACHE = {}


def _static_file(relative):
    cached = None if settings.DEBUG else _STATIC_CACHE.get(relative)
    if cached is None:
        path = finders.find(relative)
        if not path:
            raise FetchRefused(f"not a static file: {relative}")
        with open(path, "rb") as handle:
            body = handle.read()
        cached = (body, mimetypes.guess_type(path)[0] or "application/octet-stream")
        _STATIC_CACHE[relative] = cached
    return cached


_fetchers = threading.local()


def _fetcher():
    """One fetcher per thread (building one sets up urllib's handlers each time; a fetcher keeps
    per-request state, so threads do not share one)."""
    fetcher = getattr(_fetchers, "fetcher", None)
    if fetcher is None:
        fetcher = _fetchers.fetcher = StaticOnlyFetcher()
    return fetcher


def html_to_pdf(html):
    """Render HTML to PDF bytes with the restricted fetcher."""
    return HTML(string=html, base_url=f"{RENDER_ORIGIN}/", url_fetcher=_fetcher()).write_pdf()


def _stored_sha256(name):
    """SHA-256 of the plaintext stored under `name`, or None if it cannot be read (sealed
    bytes whose key row went with a rolled-back transaction)."""
    try:
        with default_storage.open(name, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except FileNotFoundError:
        return None


def pdf_store(prefix, data):
    """Store `data` as `<prefix>-<sha256[:16]>.pdf` without ever overwriting. Returns
    (stored name, full SHA-256 hex). Storing the same bytes twice reuses the existing file.

    The name can reach about 150 characters (a 60-character letter number, its version and the
    whole hash when the short name is taken by bytes that cannot be read back, such as sealed
    bytes whose key row went with a rolled-back transaction): the file fields that hold these
    names allow 255, Django's default of 100 failed the render at the database."""
    digest = hashlib.sha256(data).hexdigest()
    name = f"{prefix}-{digest[:16]}.pdf"
    if default_storage.exists(name):
        if _stored_sha256(name) == digest:
            return name, digest
        name = f"{prefix}-{digest}.pdf"  # a 64-bit prefix collision: use the whole hash
    stored = default_storage.save(name, ContentFile(data))
    if stored != name and _stored_sha256(name) == digest:
        # Another worker stored the same bytes at the same moment: keep one file.
        default_storage.delete(stored)
        stored = name
    return stored, digest


def file_sha256(field_file):
    digest = hashlib.sha256()
    with field_file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()
