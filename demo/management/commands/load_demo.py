"""Load the demo data from shared/seeds/. Idempotent; refused when DEBUG is off."""

import os
import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo import engagement, glossary, meetings, priorities, reimbursement, topics, year_review
from engagement.models import Partnership
from meetings.signals import muted

# Each app's demo loader, in the order the apps depend on each other.
LOADERS = [glossary.load, meetings.load, year_review.load, priorities.load, reimbursement.load, topics.load]


class Command(BaseCommand):
    help = "Load the demo partnerships, meetings, people and users (DEBUG only; safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--port",
            type=int,
            default=None,
            help="The port the development server listens on, for the address printed (default: $PORT, else 8000).",
        )

    def handle(self, *args, **options):
        port = str(options["port"] or os.environ.get("PORT") or "8000")
        if not re.fullmatch(r"[0-9]{1,5}", port) or not 0 < int(port) < 65536:
            raise CommandError(f"PORT must be a number from 1 to 65535, not {port!r}.")
        if not settings.DEBUG:
            raise CommandError("load_demo only runs with DEBUG on: it creates users with a known password.")
        # Muted: loading the demo tells no one (an agenda published, a topic's status changed, a claim decided).
        with muted(), transaction.atomic():
            partnerships = engagement.load()
            for loader in LOADERS:
                loader(partnerships)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(
            f"Sign in at http://127.0.0.1:{int(port)}/accounts/login/ with the password "
            f"'{engagement.DEMO_PASSWORD}' as:"
        )
        names = dict(Partnership.objects.values_list("slug", "name"))
        for username, _first, _last, role, slug, _is_staff, _participant in engagement.DEMO_USERS:
            where = f"{role} of {names[slug]}" if slug else "platform operator (superuser), every partnership"
            self.stdout.write(f"  {username:<12} {where}")
