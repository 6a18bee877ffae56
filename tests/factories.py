"""Small factories for the core models: one object each, defaults a test overrides by keyword."""

import datetime
import html
import itertools

from django.contrib.auth.models import User
from django.utils import timezone

from engagement.models import Membership, Participant, Partnership
from meetings.models import AgendaItem, Attendance, Meeting

PASSWORD = "a-Long-test-password-1"
_sequence = itertools.count(1)


def make_user(username, role=None, is_staff=False, partnership=None):
    """A user, with ``role`` in ``partnership`` when both are given (a role always belongs to a partnership)."""
    user = User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@example.org")
    if role:
        if partnership is None:
            raise ValueError(f"make_user({username!r}, {role!r}): say which partnership the role is in.")
        Membership.objects.create(user=user, partnership=partnership, role=role)
    if is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


def make_partnership(**fields):
    n = next(_sequence)
    fields.setdefault("name", f"Test Partnership {n}")
    fields.setdefault("slug", f"test-partnership-{n}")
    return Partnership.objects.create(**fields)


def make_meeting(partnership, start=None, hours=2, draft=False, **fields):
    """A meeting, published unless ``draft`` (the admin starts every new meeting as a draft)."""
    start = start or timezone.now() + datetime.timedelta(days=7)
    fields.setdefault("title", f"Meeting {next(_sequence)}")
    fields.setdefault("published_at", None if draft else timezone.now())
    return Meeting.objects.create(
        partnership=partnership, start=start, end=start + datetime.timedelta(hours=hours), **fields
    )


def make_participant(**fields):
    n = next(_sequence)
    fields.setdefault("name", f"Person {n}")
    fields.setdefault("email", f"person{n}@example.org")
    return Participant.objects.create(**fields)


def make_item(meeting, **fields):
    fields.setdefault("order", meeting.agenda_items.count() + 1)
    fields.setdefault("title", f"Item {next(_sequence)}")
    return AgendaItem.objects.create(meeting=meeting, **fields)


def attend(meeting, participant, status=Attendance.Status.ATTENDED, **fields):
    return Attendance.objects.create(meeting=meeting, participant=participant, status=status, **fields)


def aware(year, month, day, hour=10, minute=0):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def page_text(response):
    """A response's HTML with entities decoded, for plain-text assertions."""
    return html.unescape(response.content.decode())
