"""Encrypt the files stored before sealing was switched on (letter PDFs, Board papers,
exports in the default storage), in place, under the same names.

Each file is handled on its own (ciphertext written beside it, key row committed, one rename),
so the command can be stopped at any point and run again: sealed files are skipped. Reads keep
working throughout: a file not yet sealed is read as it is. Verification hashes do not change
(they are computed on the plaintext). Prints and logs how many files it sealed, how many were
already sealed and how many sealed files have no key (left by a rolled-back transaction).
"""

import logging

from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from cases.documents.storage import SealedStorage

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Encrypt in place the stored files written before encryption at rest was on."

    def handle(self, *args, **options):
        storage = storages["default"]
        if not isinstance(storage, SealedStorage):
            raise CommandError(
                'STORAGES["default"] is not cases.documents.storage.SealedStorage: '
                "nothing would be encrypted."
            )
        counts = {"sealed": 0, "already": 0, "orphan": 0}
        for name in storage.walk():
            outcome = storage.seal_in_place(name)
            counts[outcome] += 1
            if outcome == "orphan":
                log.warning("%s is sealed but has no key row: unreadable", name)
        summary = (
            f"sealed {counts['sealed']}, already sealed {counts['already']}, "
            f"without a key {counts['orphan']}"
        )
        log.info("seal_stored_files: %s", summary)
        self.stdout.write(self.style.SUCCESS(summary))
