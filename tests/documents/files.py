"""Fictional test files built in memory."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

MARKER = "MARCADOR-SECRETO-7731"
GPS = {1: "N", 2: (19.0, 25.0, 55.0), 3: "W", 4: (99.0, 8.0, 12.0)}


def pdf_bytes(text=MARKER):
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj\n"
        b"4 0 obj<</Length "
        + str(len(body)).encode()
        + b">>stream\n"
        + body
        + b"\nendstream endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def jpeg_with_gps(size=(64, 48)):
    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "TelefonoSecreto"  # Make
    exif[0x0110] = "Modelo-XYZ"  # Model
    exif[0x0132] = "2026:11:02 07:15:00"  # DateTime
    exif[0x010E] = MARKER  # ImageDescription
    exif[0x8825] = GPS  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=MARKER.encode())
    return out.getvalue()


def png_bytes(size=(32, 32)):
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 10)).save(out, "PNG")
    return out.getvalue()


def docx_bytes(*, extra=None, bomb=False, macro=False):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f"<w:document>{MARKER}</w:document>")
        if bomb:
            archive.writestr("word/media/huge.bin", b"\0" * (30 * 1024 * 1024))
        if macro:
            archive.writestr("word/vbaProject.bin", b"macro")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)
