"""The chair's weekly list of items waiting past the partnership's target for a "we did".

Run once a week; a second run in the same week sends nothing more (the outbox key).
"""

from django.core.management.base import BaseCommand

from engagement.models import Partnership
from meetings import staff_notifications as notifications


class Command(BaseCommand):
    help = "Write each partnership's weekly list of overdue items for its chair to the outbox (once a week)."

    def handle(self, *args, **options):
        sent = sum(notifications.chair_waiting(partnership) for partnership in Partnership.objects.order_by("pk"))
        self.stdout.write(f"Chair waiting lists: {sent}.")
