"""Run the deadline sweep now: `python manage.py check_deadlines`.

Prints one line, `raised N, cleared M, still overdue K`. The alerts and escalations that follow
a sweep run too (as in the periodic task); `--no-alerts` only flags.
"""

from django.core.management.base import BaseCommand

from protection.deadlines.notifications import escalations_run
from protection.deadlines.sweep import deadlines_sweep


class Command(BaseCommand):
    help = "Raise and clear overdue flags for every legal clock, then alert and escalate."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-alerts",
            action="store_true",
            help="Only raise and clear flags; send no notifications.",
        )

    def handle(self, *args, **options):
        result = deadlines_sweep()
        if not options["no_alerts"]:
            escalations_run()
        self.stdout.write(str(result))
