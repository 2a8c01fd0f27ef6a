"""Re-encrypt every encrypted field with the current key (the first of FIELD_ENCRYPTION_KEYS).

Rotation: put the new key first in FIELD_ENCRYPTION_KEYS, keep the old ones after it, run this
command, then remove the old keys. Also encrypts values written before encryption was enabled.
Rows are processed in batches, each batch in its own transaction; running it twice is harmless.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from protection.security import crypto
from protection.security.crypto import EncryptedTextField

BATCH = 1000


def encrypted_fields():
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            yield model, fields


class Command(BaseCommand):
    help = "Re-encrypt encrypted fields with the current key."

    def handle(self, *args, **options):
        current = crypto.current_key_id()
        total = 0
        for model, fields in encrypted_fields():
            table = connection.ops.quote_name(model._meta.db_table)
            pk = model._meta.pk
            columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            last = None
            changed = 0
            while True:
                with transaction.atomic():
                    where = f"WHERE {connection.ops.quote_name(pk.column)} > %s" if last else ""
                    with connection.cursor() as cursor:
                        cursor.execute(
                            f"SELECT {connection.ops.quote_name(pk.column)}, {columns} "  # noqa: S608
                            f"FROM {table} {where} ORDER BY 1 LIMIT {BATCH}",
                            [last] if last else [],
                        )
                        rows = cursor.fetchall()
                    if not rows:
                        break
                    for row in rows:
                        updates = {}
                        for field, raw in zip(fields, row[1:], strict=True):
                            if raw and crypto.key_id_of(raw) != current:
                                updates[field.attname] = crypto.decrypt(raw)
                        if updates:
                            # .update() re-encrypts through the field with the current key.
                            model._base_manager.filter(pk=row[0]).update(**updates)
                            changed += 1
                    last = rows[-1][0]
            total += changed
            self.stdout.write(f"{model._meta.label}: {changed} rows re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"done: {total} rows now use key {current!r}"))
