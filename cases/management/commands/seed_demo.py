"""Load a FICTIONAL demonstration dataset, in Spanish, by walking cases through the real services.

`make run` calls this on the embedded SQLite database after migrating; it works the same on
PostgreSQL. Every person, organisation, event and number here is invented.

The cases are stories, one YAML file each in scripts/demo/stories/ (read by
cases/management/demo/stories.py); each step names a verb of cases/management/demo/verbs.py and
runs at the story's date on every clock the services read (time-machine), so stamps, the legal
clocks they start and the history rows all carry that date. A scheduler (demo/seeder.py) plays the
steps of all stories in date order, so file numbers and Board resolution numbers come out of their
series in the order a real mechanism would have issued them.

Safe to run twice: if the demo users exist, nothing is changed and the command says so. It
refuses to mix fictional data into a database that already holds cases, and never runs with
production settings (the demo users share a published password).
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.management.demo.cast import DEMO_PASSWORD, DEMO_USERNAMES
from cases.management.demo.seeder import Seeder
from cases.models import Case
from protection.models import User

__all__ = ["DEMO_PASSWORD", "DEMO_USERNAMES", "Command"]


class Command(BaseCommand):
    help = _(
        "Carga un conjunto de datos ficticios de demostración (una vez; la segunda vez no "
        "cambia nada)."
    )

    def handle(self, *args, **options):
        # Under override_settings (a live test server adds its host that way) SETTINGS_MODULE
        # reads None: the environment still names the module.
        settings_module = settings.SETTINGS_MODULE or os.environ.get("DJANGO_SETTINGS_MODULE", "")
        if settings_module.endswith(".production"):
            raise CommandError(
                _(
                    "seed_demo no se ejecuta con la configuración de producción: "
                    "los usuarios de demostración comparten una contraseña pública."
                )
            )
        if settings.OTP_REQUIRED and not settings.DEMO_MODE:
            # Demo users log in with the codes the login page shows, and it shows them only in
            # demo mode: `make run` turns it on explicitly; no settings module does by default.
            raise CommandError(
                _(
                    "Los usuarios de demostración necesitan DEMO_MODE=true (la página de "
                    "entrada muestra sus códigos). Use `make run`, que lo activa, o defina "
                    "DEMO_MODE=true, u OTP_REQUIRED=false."
                )
            )
        existing = set(
            User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True)
        )
        if existing == set(DEMO_USERNAMES):
            self.stdout.write(
                _("Los datos de demostración ya estaban cargados: no se cambió nada.")
            )
            self._users_table()
            return
        if existing:
            raise CommandError(
                _(
                    "Ya existen usuarios con nombres de la demostración (%(names)s) pero no todos: "
                    "no se cargó nada. Use una base de datos vacía o renombre esos usuarios."
                )
                % {"names": ", ".join(sorted(existing))}
            )
        if Case.objects.exists():
            self.stderr.write(
                _(
                    "La base de datos ya contiene expedientes: los datos ficticios de "
                    "demostración no se mezclan con ellos. No se cargó nada."
                )
            )
            return
        # One transaction: a failure anywhere leaves nothing half-made. Letters are planned
        # inside it; their rendering is queued after commit (and waits for the sweeper if the
        # broker is down).
        with transaction.atomic():
            seeder = Seeder()
            seeder.run()
        self.stdout.write(self.style.SUCCESS(_("Datos de demostración cargados (ficticios).")))
        for line in seeder.summary():
            self.stdout.write(line)
        self._users_table()

    def _users_table(self):
        users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
        rows = [
            (name, users[name].get_role_display(), users[name].get_full_name())
            for name in DEMO_USERNAMES
            if name in users
        ]
        widths = [
            max(len(str(r[i])) for r in rows + [(_("Usuario"), _("Rol"), _("Nombre"))])
            for i in range(3)
        ]
        header = (_("Usuario"), _("Rol"), _("Nombre"))
        self.stdout.write("")
        for row in [header, tuple("-" * w for w in widths), *rows]:
            self.stdout.write("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)))
        self.stdout.write(
            _("Contraseña de todos los usuarios de demostración: %(pw)s") % {"pw": DEMO_PASSWORD}
        )
