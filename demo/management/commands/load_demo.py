"""Load the demo data from shared/seeds/. Idempotent; refused when DEBUG is off."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo import engagement, meetings, priorities, reimbursement, year_review

# Each app's demo loader, in the order the apps depend on each other.
LOADERS = [meetings.load, year_review.load, priorities.load, reimbursement.load]


class Command(BaseCommand):
    help = "Load the demo partnerships, meetings, people and users (DEBUG only; safe to run twice)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("load_demo only runs with DEBUG on: it creates users with a known password.")
        with transaction.atomic():
            partnerships = engagement.load()
            for loader in LOADERS:
                loader(partnerships)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(
            f"Sign in at http://127.0.0.1:8000/accounts/login/ with the password '{engagement.DEMO_PASSWORD}' as:"
        )
        for username, _first, _last, role, _is_staff, _participant in engagement.DEMO_USERS:
            self.stdout.write(f"  {username:<8} ({role})")
