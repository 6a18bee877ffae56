"""Views from visitors without an account: kept pending, counted once their email is confirmed.

A visitor gives their name, email and views on an agenda item; the views are
kept as a pending ``Feedback`` (channel "website (visitor)", no
``confirmed_at``), which the default manager leaves out of every list, count
and report, and a signed link valid for ``CONFIRM_DAYS`` is emailed to them (through the
outbox, a must-get ``account`` message: one per link, so asking again is a new email).
Opening it makes them a participant (or finds the one with that address) and
sends the views through ``services.send_views``, the same path as a member's,
so they enter the loop (the item's feedback status, 'we did') as a member's do.
"""

import datetime

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from engagement.models import Participant
from engagement.notifications import kinds
from engagement.notifications.services import Recipient, notify
from engagement.notifications.tokens import fingerprint, site_url

from . import services
from .models import AgendaItem, Feedback

CONFIRM_DAYS = 3
_SALT = "meetings.visitor-views"

# How many views one address, and one email, may send in an hour.
PER_ADDRESS_PER_HOUR = 5
PER_EMAIL_PER_HOUR = 3


class BadToken(Exception):
    """The confirmation link is broken, expired, or already used."""


def keep_pending(item: AgendaItem, name: str, email: str, text: str) -> Feedback:
    """Keep a visitor's views, unseen until confirmed, and email them the link (the same words again: one row)."""
    email = email.strip()
    with transaction.atomic():
        AgendaItem.objects.select_for_update().filter(pk=item.pk).first()
        pending = (
            Feedback.with_pending.filter(
                agenda_item=item,
                channel=Feedback.Channel.VISITOR,
                confirmed_at__isnull=True,
                visitor_email__iexact=email,
                text=text,
            )
            .order_by("pk")
            .first()
        )
        if pending is None:
            pending = Feedback.with_pending.create(
                agenda_item=item, channel=Feedback.Channel.VISITOR, text=text, visitor_name=name, visitor_email=email
            )
    send_confirmation(pending, item, signing.TimestampSigner(salt=_SALT).sign(str(pending.pk)))
    return pending


def send_confirmation(pending: Feedback, item: AgendaItem, token: str) -> None:
    """The link that confirms a visitor's address; the same link is sent once, a new one (asked again) anew."""
    meeting = item.meeting
    notify(
        kinds.ACCOUNT,
        Recipient(pending.visitor_email, pending.visitor_name),
        key=f"visitor-confirm:{pending.pk}:{fingerprint(token)}",
        subject=f"Confirm your views on “{item.title}”",
        template="notifications/email/visitor_confirm",
        context={
            "item": item,
            "meeting": meeting,
            "confirm_url": site_url(reverse("visitor_views_confirm", args=[token])),
            "days": CONFIRM_DAYS,
        },
        partnership=meeting.partnership,
    )


def pending_for_token(token: str) -> Feedback:
    try:
        pk = signing.TimestampSigner(salt=_SALT).unsign(token, max_age=datetime.timedelta(days=CONFIRM_DAYS))
        return Feedback.with_pending.get(pk=int(pk), channel=Feedback.Channel.VISITOR, confirmed_at__isnull=True)
    except (signing.BadSignature, ValueError, Feedback.DoesNotExist) as error:
        raise BadToken(str(error)) from error


def _participant_for(name: str, email: str) -> Participant:
    """The person with this (now confirmed) address, or a new record for them."""
    participant = (
        Participant.objects.select_for_update()
        .filter(email__iexact=email, erased_at__isnull=True)
        .order_by("pk")
        .first()
    )
    return participant or Participant.objects.create(name=name[:200], email=email)


def confirm(pending: Feedback) -> Feedback:
    """The visitor confirmed their email: their views go in as a member's would, by ``services.send_views``."""
    with transaction.atomic():
        locked = Feedback.with_pending.select_for_update().filter(pk=pending.pk, confirmed_at__isnull=True).first()
        if locked is None:
            raise BadToken("already confirmed")
        item = AgendaItem.objects.select_related("meeting").get(pk=locked.agenda_item_id)
        participant = _participant_for(locked.visitor_name, locked.visitor_email)
        name, email, text = locked.visitor_name, locked.visitor_email, locked.text
        locked.delete()  # the views are kept again, counted, by the members' path
        feedback, _ = services.send_views(item, participant, text, channel=Feedback.Channel.VISITOR)
        Feedback.with_pending.filter(pk=feedback.pk).update(
            visitor_name=name, visitor_email=email, confirmed_at=timezone.now()
        )
        feedback.refresh_from_db()
    return feedback
