"""The staff's daily digest: each partnership's registrations, apologies, later access needs and views of the day.

Run once a day (cron or a scheduler); a second run the same day sends nothing more (the outbox key).
"""

from django.core.management.base import BaseCommand

from engagement.models import Partnership
from meetings import staff_notifications as notifications


class Command(BaseCommand):
    help = "Write each partnership's daily digest for its staff to the outbox (once a day)."

    def handle(self, *args, **options):
        sent = sum(notifications.staff_digest(partnership) for partnership in Partnership.objects.order_by("pk"))
        self.stdout.write(f"Staff digests: {sent}.")
