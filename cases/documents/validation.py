"""What a file is, judged by its content, and whether it may be kept.

Every refusal is a RefusedFile with a plain Spanish message naming the file. Nothing here
writes anything: the services call `inspect_upload` for every file of an upload first and
store only if all of them pass.

Accepted kinds (content decides; the name's extension must agree with it): PDF, JPEG, PNG,
WebP, HEIC/HEIF (read through pillow-heif), plain UTF-8 text, DOCX and ODT (ZIP containers,
checked for compression bombs and macros), and common audio (MP3, M4A, Ogg/Opus, WAV, FLAC,
AMR, AAC) for recorded consent.
"""

import codecs
import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

SNIFF_BYTES = 8192

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class Kind:
    code: str
    mime: str
    extensions: tuple
    label: str
    family: str  # pdf, image, text, office, audio
    inline: bool  # may be shown in the browser (under a sandboxing CSP)


def _kinds():
    return {
        "pdf": Kind("pdf", "application/pdf", ("pdf",), "PDF", "pdf", False),
        "jpeg": Kind("jpeg", "image/jpeg", ("jpg", "jpeg", "jpe"), "JPEG", "image", True),
        "png": Kind("png", "image/png", ("png",), "PNG", "image", True),
        "webp": Kind("webp", "image/webp", ("webp",), "WebP", "image", True),
        "heic": Kind("heic", "image/heic", ("heic", "heif"), "HEIC", "image", False),
        "text": Kind("text", "text/plain", ("txt", "text", "md"), _("texto"), "text", True),
        "docx": Kind("docx", DOCX, ("docx",), "DOCX (Word)", "office", False),
        "odt": Kind("odt", ODT, ("odt",), "ODT (LibreOffice)", "office", False),
        "mp3": Kind("mp3", "audio/mpeg", ("mp3",), "MP3", "audio", True),
        "m4a": Kind("m4a", "audio/mp4", ("m4a", "mp4", "aac"), "M4A", "audio", True),
        "ogg": Kind("ogg", "audio/ogg", ("ogg", "oga", "opus"), "Ogg/Opus", "audio", True),
        "wav": Kind("wav", "audio/wav", ("wav",), "WAV", "audio", True),
        "flac": Kind("flac", "audio/flac", ("flac",), "FLAC", "audio", True),
        "amr": Kind("amr", "audio/amr", ("amr",), "AMR", "audio", False),
        "aac": Kind("aac", "audio/aac", ("aac",), "AAC", "audio", True),
    }


# filetype's MIME answer -> our kind. Anything else is refused.
SNIFFED = {
    "application/pdf": "pdf",
    "image/jpeg": "jpeg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
    "image/heif": "heic",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "video/mp4": "m4a",  # phone voice recorders write .m4a with an mp4 brand; audio checked below
    "audio/ogg": "ogg",
    "audio/x-wav": "wav",
    "audio/x-flac": "flac",
    "audio/amr": "amr",
    "audio/aac": "aac",
    DOCX: "docx",
    ODT: "odt",
    "application/zip": "zip",
}

PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "heic": "HEIF"}

_BIDI_AND_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


class RefusedFile(Exception):
    def __init__(self, name, message):
        super().__init__(message)
        self.name = name
        self.message = message

    def __str__(self):
        return f"«{self.name}»: {self.message}"


@dataclass
class Inspected:
    """A file that passed every check, with what we learned about it."""

    upload: object
    original_name: str
    safe_name: str
    kind: Kind
    size: int
    pixels: tuple = field(default=())


def configure_image_libraries():
    """Pillow's own bomb guard follows our setting; HEIC opens through pillow-heif when
    installed."""
    Image.MAX_IMAGE_PIXELS = settings.DOCUMENTS_MAX_IMAGE_PIXELS
    try:  # optional codec, loaded only when the image libraries are configured
        from pillow_heif import register_heif_opener
    except ImportError:  # pragma: no cover - the dependency is pinned
        return
    register_heif_opener()


def kinds():
    return _kinds()


def accepted_summary():
    return ", ".join(k.label for k in _kinds().values() if k.code != "aac")


# --------------------------------------------------------------------------------- names


def check_name(name):
    """Refuse names that try to be paths or hide characters; return the name to display."""
    display = name or ""
    if not display.strip():
        raise RefusedFile(_("(sin nombre)"), _("el archivo no tiene nombre."))
    if len(display) > 200:
        raise RefusedFile(display[:60] + "…", _("el nombre es demasiado largo (más de 200)."))
    if "/" in display or "\\" in display or display in (".", "..") or display.startswith(".."):
        raise RefusedFile(
            display, _("el nombre contiene separadores de carpeta («/» o «\\»); cámbielo.")
        )
    if any(
        unicodedata.category(ch) in ("Cc", "Cs") for ch in display
    ) or _BIDI_AND_INVISIBLE.search(display):
        raise RefusedFile(
            display.encode("unicode_escape").decode()[:80],
            _("el nombre contiene caracteres de control o invisibles; cámbielo."),
        )
    return unicodedata.normalize("NFC", display.strip())


def split_extension(name):
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return name, ""
    return stem, ext.lower()


def safe_name_for(name, kind):
    stem, _ext = split_extension(name)
    slug = slugify(stem)[:80].strip("-_") or "documento"
    return f"{slug}.{kind.extensions[0]}"


# --------------------------------------------------------------------------------- content


def _head(upload):
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def _is_text(upload, name):
    """Whole file is UTF-8 text without control characters other than tab/newlines."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    upload.seek(0)
    try:
        while chunk := upload.read(256 * 1024):
            text = decoder.decode(chunk)
            if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f" for ch in text):
                return False
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        upload.seek(0)
    return True


def _check_zip(upload, name, kind_code):
    limits = settings.DOCUMENTS_ZIP_MAX_RATIO, settings.DOCUMENTS_ZIP_MAX_UNCOMPRESSED_BYTES
    max_ratio, max_total = limits
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            names = {e.filename for e in entries}
            if len(entries) > settings.DOCUMENTS_ZIP_MAX_ENTRIES:
                raise RefusedFile(name, _("el documento contiene demasiadas partes internas."))
            total = sum(e.file_size for e in entries)
            packed = sum(e.compress_size for e in entries) or 1
            if (
                total > max_total
                or total / packed > max_ratio
                or any(
                    e.file_size > max(e.compress_size, 1) * max_ratio and e.file_size > 1_000_000
                    for e in entries
                )
            ):
                raise RefusedFile(
                    name,
                    _(
                        "el documento se expande de forma desproporcionada al abrirlo "
                        "(posible «bomba de descompresión»); no se acepta."
                    ),
                )
            if any(n.startswith("/") or ".." in n.split("/") for n in names):
                raise RefusedFile(name, _("el documento tiene rutas internas no válidas."))
            if kind_code == "docx":
                if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                    raise RefusedFile(name, _("no es un documento de Word (DOCX) válido."))
                if any(n.lower().endswith("vbaproject.bin") for n in names):
                    raise RefusedFile(
                        name,
                        _("el documento contiene macros; guárdelo como DOCX sin macros o PDF."),
                    )
            elif kind_code == "odt":
                if "mimetype" not in names or archive.read("mimetype").strip() != ODT.encode():
                    raise RefusedFile(name, _("no es un documento ODT válido."))
                if any(n.lower().startswith("basic/") for n in names):
                    raise RefusedFile(
                        name,
                        _("el documento contiene macros; guárdelo sin macros o como PDF."),
                    )
    except zipfile.BadZipFile:
        raise RefusedFile(name, _("el documento está dañado o incompleto.")) from None
    finally:
        upload.seek(0)


def _check_image(upload, name, kind):
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format != PIL_FORMATS[kind.code]:
                    raise RefusedFile(name, _("el contenido de la imagen no es lo que dice ser."))
                width, height = image.size
                if width * height > settings.DOCUMENTS_MAX_IMAGE_PIXELS:
                    raise Image.DecompressionBombError(name)
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise RefusedFile(
            name,
            _(
                "la imagen es demasiado grande al abrirla (más de %(n)s megapíxeles; posible "
                "«bomba de descompresión»)."
            )
            % {"n": settings.DOCUMENTS_MAX_IMAGE_PIXELS // 1_000_000},
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise RefusedFile(name, _("la imagen está dañada o no se puede leer.")) from None
    finally:
        upload.seek(0)
    return (width, height)


def _sniff(upload, name):
    head = _head(upload)
    guess = filetype.guess(head)
    if guess is not None:
        code = SNIFFED.get(guess.mime)
        if code == "zip":
            raise RefusedFile(
                name, _("es un archivo comprimido (ZIP); suba los documentos por separado.")
            )
        if code is None:
            raise RefusedFile(
                name,
                _("su contenido es de un tipo no aceptado (%(t)s). Se aceptan: %(ok)s.")
                % {"t": guess.mime, "ok": accepted_summary()},
            )
        return _kinds()[code]
    if _is_text(upload, name):
        return _kinds()["text"]
    raise RefusedFile(
        name,
        _("no se reconoce su contenido como un tipo aceptado. Se aceptan: %(ok)s.")
        % {"ok": accepted_summary()},
    )


def inspect_upload(upload):
    """Every check for one uploaded file (a Django UploadedFile or any named binary file).
    Returns an Inspected; raises RefusedFile."""
    name = check_name(getattr(upload, "name", ""))
    size = upload.size if hasattr(upload, "size") else None
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
        upload.seek(0)
    if size == 0:
        raise RefusedFile(name, _("el archivo está vacío."))
    if size > settings.DOCUMENTS_MAX_FILE_BYTES:
        raise RefusedFile(
            name,
            _("pesa %(size)s; el máximo por archivo es %(max)s.")
            % {
                "size": filesizeformat(size),
                "max": filesizeformat(settings.DOCUMENTS_MAX_FILE_BYTES),
            },
        )
    kind = _sniff(upload, name)
    _stem, ext = split_extension(name)
    if ext and ext not in kind.extensions:
        raise RefusedFile(
            name,
            _("el nombre termina en «.%(ext)s» pero su contenido es %(kind)s; no se acepta.")
            % {"ext": ext, "kind": kind.label},
        )
    pixels = ()
    if kind.family == "image":
        pixels = _check_image(upload, name, kind)
    elif kind.family == "office":
        _check_zip(upload, name, kind.code)
    return Inspected(
        upload=upload,
        original_name=name,
        safe_name=safe_name_for(name, kind),
        kind=kind,
        size=size,
        pixels=pixels,
    )


def inspect_all(uploads):
    """Inspect every file of one upload. Returns (inspected, refusals); nothing may be stored
    unless refusals is empty."""
    refusals = []
    inspected = []
    if len(uploads) > settings.DOCUMENTS_MAX_FILES_PER_UPLOAD:
        refusals.append(
            _("Se pueden subir hasta %(n)s archivos a la vez; se recibieron %(got)s.")
            % {"n": settings.DOCUMENTS_MAX_FILES_PER_UPLOAD, "got": len(uploads)}
        )
        return [], refusals
    total = sum(getattr(u, "size", 0) or 0 for u in uploads)
    if total > settings.DOCUMENTS_MAX_UPLOAD_BYTES:
        refusals.append(
            _("Los archivos suman %(size)s; el máximo por envío es %(max)s.")
            % {
                "size": filesizeformat(total),
                "max": filesizeformat(settings.DOCUMENTS_MAX_UPLOAD_BYTES),
            }
        )
        return [], refusals
    for upload in uploads:
        try:
            inspected.append(inspect_upload(upload))
        except RefusedFile as refused:
            refusals.append(str(refused))
    return inspected, refusals


# --------------------------------------------------------------------------------- images


def stripped_image(upload, kind):
    """The image re-encoded from its pixels alone: no EXIF (GPS, device, dates), XMP, IPTC,
    comments or embedded thumbnails. The EXIF orientation is applied first so the copy looks
    the same. HEIC becomes JPEG (browsers cannot show HEIC). Returns (bytes, Kind)."""
    upload.seek(0)
    with Image.open(upload) as image:
        image.load()
        oriented = ImageOps.exif_transpose(image)
        has_alpha = oriented.mode in ("RGBA", "LA", "PA") or "transparency" in oriented.info
        out_kind = _kinds()["jpeg"] if kind.code == "heic" else kind
        mode = "RGBA" if has_alpha and out_kind.code != "jpeg" else "RGB"
        if oriented.mode == "L" and not has_alpha:
            mode = "L"
        converted = oriented.convert(mode) if oriented.mode != mode else oriented
        # A new image from the pixels only: nothing of the original's info travels along.
        clean = Image.frombytes(mode, converted.size, converted.tobytes())
    upload.seek(0)
    buffer = io.BytesIO()
    if out_kind.code == "jpeg":
        clean.save(buffer, "JPEG", quality=90, optimize=True)
    elif out_kind.code == "png":
        clean.save(buffer, "PNG", optimize=False)
    else:
        clean.save(buffer, "WEBP", quality=90)
    buffer.seek(0)
    return buffer, out_kind
