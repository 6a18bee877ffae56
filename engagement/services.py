"""Writes for who engages: linking a signed-in person to their participant record.

Meetings and reimbursement ask ``participant_for_user`` for the person behind
an account, so "one person, one record" is decided in one place.
"""

from django.db import transaction

from .models import Participant


def participant_for_user(user, create: bool = False) -> Participant | None:
    """The participant record linked to ``user``; made from the user's name and email if asked.

    An unlinked, unerased participant with the user's email is the same person
    (one person, one record), so it is linked rather than duplicated. Accounts
    are created by staff, so their email addresses are trusted.
    """
    participant = Participant.objects.filter(user=user).first()
    if participant is not None or not create:
        return participant
    with transaction.atomic():
        email = (user.email or "").strip()
        if email:
            existing = (
                Participant.objects.select_for_update()
                .filter(email__iexact=email, user__isnull=True, erased_at__isnull=True)
                .first()
            )
            if existing is not None:
                existing.user = user
                existing.save(update_fields=["user"])
                return existing
            if Participant.objects.filter(email__iexact=email).exists():
                email = ""  # taken by someone else's record: never share an address
        name = user.get_full_name().strip() or user.get_username()
        return Participant.objects.create(name=name[:200], email=email, user=user)
