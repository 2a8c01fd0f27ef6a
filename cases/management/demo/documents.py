"""Fictional files for the demo's case documents (seed_demo): a signed request, a photograph
that still carries its GPS position and device (to show the stripping) and a court ruling.
Every name, place and number in them is invented. Generated, never downloaded."""

import io
from html import escape

from PIL import Image, ImageDraw
from weasyprint import HTML

PAGE = """<!doctype html><html lang="es"><head><meta charset="utf-8"><style>
@page {{ size: Letter; margin: 2.5cm; }}
body {{ font-family: 'DejaVu Serif', serif; font-size: 11pt; line-height: 1.45; }}
h1 {{ font-size: 14pt; text-align: center; }}
.firma {{ margin-top: 3cm; text-align: center; }}
.firma span {{ display: inline-block; border-top: 1px solid #000; padding: 0 3cm; }}
.nota {{ font-size: 8pt; color: #555; margin-top: 2cm; }}
</style></head><body>{body}
<p class="nota">Documento ficticio generado para la demostración del sistema.</p></body></html>"""


def _pdf(body):
    return HTML(string=PAGE.format(body=body)).write_pdf()


def signed_request_pdf(*, name, place, date_text, facts):
    return _pdf(
        f"<h1>Solicitud de incorporación al Mecanismo de Protección</h1>"
        f"<p>{escape(place)}, a {escape(date_text)}.</p>"
        f"<p>Quien suscribe, <strong>{escape(name)}</strong>, solicito mi incorporación al "
        "Mecanismo para la Protección de Personas Defensoras de Derechos Humanos y "
        "Periodistas, y otorgo mi consentimiento para el trámite, por los hechos siguientes:</p>"
        f"<p>{escape(facts)}</p>"
        f'<p class="firma"><span>{escape(name)}</span><br>Firma</p>'
    )


def court_ruling_pdf(*, court, reference, date_text, text):
    return _pdf(
        f"<h1>{escape(court)}</h1><p><strong>{escape(reference)}</strong> · {escape(date_text)}</p>"
        "<h2>Resolución sobre la suspensión</h2>"
        f"<p>{escape(text)}</p>"
        "<p>Notifíquese. Así lo proveyó y firma la persona titular del Juzgado.</p>"
        '<p class="firma"><span>Secretaría de Acuerdos</span></p>'
    )


def _rational(value):
    degrees = int(value)
    minutes_float = (value - degrees) * 60
    minutes = int(minutes_float)
    seconds = round((minutes_float - minutes) * 60, 2)
    return (float(degrees), float(minutes), seconds)


def photo_with_gps(*, latitude, longitude, taken, make="Motorola", model="moto g52"):
    """A drawn 'photograph' (a road, a parked pickup) whose EXIF still holds the place it was
    taken, the phone and the time — what the upload must strip from the visible copy."""
    image = Image.new("RGB", (960, 640), (135, 180, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 380, 960, 640), fill=(120, 110, 90))
    draw.polygon([(380, 640), (580, 640), (500, 380), (460, 380)], fill=(70, 70, 70))
    draw.rectangle((600, 330, 820, 420), fill=(40, 40, 45))
    draw.rectangle((650, 290, 760, 335), fill=(40, 40, 45))
    draw.ellipse((620, 400, 670, 450), fill=(15, 15, 15))
    draw.ellipse((750, 400, 800, 450), fill=(15, 15, 15))
    exif = Image.Exif()
    exif[0x010F] = make
    exif[0x0110] = model
    exif[0x0132] = taken.strftime("%Y:%m:%d %H:%M:%S")
    exif[0x8825] = {
        1: "N" if latitude >= 0 else "S",
        2: _rational(abs(latitude)),
        3: "E" if longitude >= 0 else "W",
        4: _rational(abs(longitude)),
    }
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()
