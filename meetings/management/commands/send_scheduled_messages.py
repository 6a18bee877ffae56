"""Queue the messages that go out on a timetable: reminders, the staff digest, the chair's weekly list.

Run it every hour or so (cron, a systemd timer, a scheduled container). Each
person gets one reminder per meeting, one digest per day and one list per
week however often it runs.
"""

from django.core.management.base import BaseCommand

from meetings import messages


class Command(BaseCommand):
    help = "Queue due reminders, the daily staff digest and the chair's weekly list (idempotent)."

    def handle(self, *args, **options):
        self.stdout.write(f"Reminders queued: {messages.queue_due_reminders()}")
        self.stdout.write(f"Staff digests queued: {messages.queue_staff_digests()}")
        self.stdout.write(f"Chair's weekly lists queued: {messages.queue_chair_weekly()}")
