"""Letters name the person they are addressed to and that person's post with the authority's name
and its article ("Titular de la Secretaría…"); authorities may carry their own copy list."""

import re

from django.db import migrations, models

# The article of an authority's name, from its first word (companies take none).
_FEMININE = (
    "secretaría",
    "comisión",
    "dirección",
    "fiscalía",
    "guardia",
    "policía",
    "unidad",
    "coordinación",
    "procuraduría",
    "subsecretaría",
    "jefatura",
    "gerencia",
    "agencia",
    "oficina",
    "defensoría",
    "comandancia",
)
_MASCULINE = (
    "instituto",
    "centro",
    "gobierno",
    "ayuntamiento",
    "consejo",
    "sistema",
    "servicio",
    "órgano",
    "organismo",
    "municipio",
    "poder",
    "estado",
    "ejército",
)


def _article(name):
    first = (name.split() or [""])[0].lower()
    if first in _FEMININE:
        return "la"
    if first in _MASCULINE:
        return "el"
    return ""


def _post(old, name, short_name):
    """The post without the institution: "Titular de la Secretaría de X" -> "Titular"."""
    old = (old or "").strip()
    for institution in (name, short_name):
        if not institution:
            continue
        pattern = rf"\s+(de|del)(\s+(la|el|las|los))?\s+{re.escape(institution)}\s*$"
        stripped = re.sub(pattern, "", old, flags=re.IGNORECASE)
        if stripped != old:
            return stripped
    if old.lower().startswith("titular"):
        return "Titular"
    return old


def forwards(apps, schema_editor):
    Authority = apps.get_model("measures", "ImplementingAuthority")
    for authority in Authority.objects.all():
        authority.name_article = _article(authority.name)
        authority.addressee_post = _post(
            authority.addressee_post, authority.name, authority.short_name
        )
        # A data fix, not a change anyone made: no history row (the historical model is
        # migrated with the same columns).
        Authority.objects.filter(pk=authority.pk).update(
            name_article=authority.name_article, addressee_post=authority.addressee_post
        )


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0010_modification_restore"),
    ]

    operations = [
        migrations.RenameField("implementingauthority", "addressee", "addressee_post"),
        migrations.RenameField("historicalimplementingauthority", "addressee", "addressee_post"),
        migrations.AddField(
            model_name="historicalimplementingauthority",
            name="addressee_name",
            field=models.CharField(
                blank=True,
                db_default="",
                help_text="Con su grado o tratamiento, como se escribe en un oficio: «Mtra. Ana López Ruiz».",
                max_length=200,
                verbose_name="nombre de la persona titular",
            ),
        ),
        migrations.AddField(
            model_name="historicalimplementingauthority",
            name="copy_to",
            field=models.TextField(
                blank=True,
                db_default="",
                help_text="Una línea por destinatario de copia de los oficios a esta autoridad, además de las copias que llevan todos los oficios.",
                verbose_name="con copia para (C.c.p.)",
            ),
        ),
        migrations.AddField(
            model_name="historicalimplementingauthority",
            name="name_article",
            field=models.CharField(
                blank=True,
                choices=[
                    ("la", "la"),
                    ("el", "el"),
                    ("las", "las"),
                    ("los", "los"),
                    ("", "sin artículo"),
                ],
                db_default="",
                help_text="Para escribir «Titular de la Secretaría…» o «Titular del Instituto…». Sin artículo para empresas.",
                max_length=3,
                verbose_name="artículo del nombre",
            ),
        ),
        migrations.AddField(
            model_name="implementingauthority",
            name="addressee_name",
            field=models.CharField(
                blank=True,
                db_default="",
                help_text="Con su grado o tratamiento, como se escribe en un oficio: «Mtra. Ana López Ruiz».",
                max_length=200,
                verbose_name="nombre de la persona titular",
            ),
        ),
        migrations.AddField(
            model_name="implementingauthority",
            name="copy_to",
            field=models.TextField(
                blank=True,
                db_default="",
                help_text="Una línea por destinatario de copia de los oficios a esta autoridad, además de las copias que llevan todos los oficios.",
                verbose_name="con copia para (C.c.p.)",
            ),
        ),
        migrations.AddField(
            model_name="implementingauthority",
            name="name_article",
            field=models.CharField(
                blank=True,
                choices=[
                    ("la", "la"),
                    ("el", "el"),
                    ("las", "las"),
                    ("los", "los"),
                    ("", "sin artículo"),
                ],
                db_default="",
                help_text="Para escribir «Titular de la Secretaría…» o «Titular del Instituto…». Sin artículo para empresas.",
                max_length=3,
                verbose_name="artículo del nombre",
            ),
        ),
        migrations.AlterField(
            model_name="historicalimplementingauthority",
            name="addressee_post",
            field=models.CharField(
                blank=True,
                help_text="El cargo sin la institución («Titular», «Comandante», «Representante legal»): el oficio añade «de la» y el nombre de la autoridad.",
                max_length=200,
                verbose_name="cargo de la persona titular",
            ),
        ),
        migrations.AlterField(
            model_name="implementingauthority",
            name="addressee_post",
            field=models.CharField(
                blank=True,
                help_text="El cargo sin la institución («Titular», «Comandante», «Representante legal»): el oficio añade «de la» y el nombre de la autoridad.",
                max_length=200,
                verbose_name="cargo de la persona titular",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
