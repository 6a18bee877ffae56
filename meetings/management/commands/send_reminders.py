"""Remind everyone registered for a meeting a few days before it (each partnership's reminder days; 2 by default).

Run it by cron or the worker every hour or so: each person is reminded once per meeting (the outbox key).
"""

from django.core.management.base import BaseCommand

from meetings import notifications


class Command(BaseCommand):
    help = "Write the reminders due for upcoming meetings to the outbox (idempotent); the worker sends them."

    def handle(self, *args, **options):
        meetings = written = 0
        for meeting in notifications.upcoming_for_reminders():
            if notifications.reminders_due(meeting):
                meetings += 1
                written += notifications.send_reminders_for(meeting)
        self.stdout.write(f"Reminders: {written} for {meetings} meeting(s).")
