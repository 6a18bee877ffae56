"""Send every message due in the outbox: new ones and failed ones whose next try has come.

The worker sends new messages as they are queued and schedules retries itself;
this command is for the immediate backend, for cron, or to flush by hand.
Running it twice sends nothing twice.
"""

from django.core.management.base import BaseCommand

from notifications.tasks import send_due_notifications


class Command(BaseCommand):
    help = "Queue the sending of every message due in the outbox (new ones and retries)."

    def handle(self, *args, **options):
        result = send_due_notifications.enqueue()
        self.stdout.write(f"Sending what is due: {result.status}")
