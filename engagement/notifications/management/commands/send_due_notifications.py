"""Send outbox messages that are due: failed sends whose next try has come, and queued ones left behind."""

from django.core.management.base import BaseCommand

from engagement.notifications.sending import send_due


class Command(BaseCommand):
    help = "Send due outbox messages (retries after back-off, and any whose task was lost). Safe to run often."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="Send at most this many.")

    def handle(self, *args, limit=None, **options):
        counts = send_due(limit=limit)
        summary = ", ".join(f"{count} {status}" for status, count in sorted(counts.items())) or "nothing due"
        self.stdout.write(f"Due notifications: {summary}.")
