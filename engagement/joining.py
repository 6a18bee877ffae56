"""Asking to join a partnership: the request, its email confirmation, and staff's decision.

A visitor's request waits unconfirmed until they open the signed link sent to
their address (``confirmation_token``, valid for ``CONFIRM_DAYS``); it then
waits for the partnership's staff or chair (``roles.can_run``), who approve it
(an account, a participant record and the member role) or decline it with a
kind reason. Every change locks the request's row and does nothing the second
time it is asked.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from . import joining_emails, roles
from .models import JoinRequest, Participant, Partnership
from .services import give_role

CONFIRM_DAYS = 3
_SALT = "engagement.join-request"


class BadToken(Exception):
    """The confirmation link is broken, or older than ``CONFIRM_DAYS``."""


def confirmation_token(request: JoinRequest) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(str(request.pk))


def request_for_token(token: str) -> JoinRequest:
    """The request a confirmation link names; ``BadToken`` when it is broken, expired or the request gone."""
    try:
        pk = signing.TimestampSigner(salt=_SALT).unsign(token, max_age=datetime.timedelta(days=CONFIRM_DAYS))
        return JoinRequest.objects.select_related("partnership").get(pk=int(pk))
    except (signing.BadSignature, ValueError, JoinRequest.DoesNotExist) as error:
        raise BadToken(str(error)) from error


def ask_to_join(partnership: Partnership, **fields) -> tuple[JoinRequest, bool]:
    """Keep a request and send its confirmation link; ``(request, created)``.

    A request still open from the same address to the same partnership is the
    same request: nothing new is kept, and its link is sent again.
    """
    email = fields["email"].strip()
    with transaction.atomic():
        Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
        existing = (
            JoinRequest.objects.filter(
                partnership=partnership, email__iexact=email, status__in=JoinRequest.OPEN_STATUSES
            )
            .order_by("pk")
            .first()
        )
        if existing is not None:
            request, created = existing, False
        else:
            request = JoinRequest.objects.create(partnership=partnership, **{**fields, "email": email})
            created = True
    if request.status == JoinRequest.Status.UNCONFIRMED:
        joining_emails.send_confirmation(request, confirmation_token(request))
    return request, created


def confirm_email(request: JoinRequest) -> JoinRequest:
    """The address is confirmed: the request now waits for staff (a second click changes nothing)."""
    with transaction.atomic():
        locked = JoinRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status == JoinRequest.Status.UNCONFIRMED:
            locked.status = JoinRequest.Status.WAITING
            locked.email_confirmed_at = timezone.now()
            locked.save(update_fields=["status", "email_confirmed_at"])
    return locked


def _check_decides(by: AbstractBaseUser, request: JoinRequest):
    if not roles.can_run(by, request.partnership_id):
        raise PermissionDenied(f"Only staff and the chair of {request.partnership} decide who joins it.")


def _account_for(request: JoinRequest):
    """The account of the request's address, or a new one without a usable password."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=request.email).order_by("pk").first()
    if user is not None:
        return user, False
    base = slugify(request.email.split("@")[0])[:100] or "member"
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}{n}"
    first, _, last = request.name.strip().partition(" ")
    user = User.objects.create_user(
        username=username, email=request.email, first_name=first[:150], last_name=last[:150]
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user, True


def _participant_for(request: JoinRequest, user) -> Participant:
    """The person's participant record, linked to ``user``, saying whose voice they bring."""
    participant = Participant.objects.select_for_update().filter(user=user).first()
    if participant is None:
        participant = (
            Participant.objects.select_for_update()
            .filter(email__iexact=request.email, user__isnull=True, erased_at__isnull=True)
            .order_by("pk")
            .first()
        )
    if participant is None:
        participant = Participant(name=request.name[:200], email=request.email)
    participant.user = user
    if request.voice == JoinRequest.Voice.ORGANISATION:
        participant.voice = Participant.Voice.ORGANISATION
        participant.community = request.organisation_name
    else:
        participant.voice = Participant.Voice.OWN
    if request.access_needs and not participant.access_needs:
        participant.access_needs = request.access_needs
    participant.save()
    return participant


def approve_join_request(request: JoinRequest, by: AbstractBaseUser) -> JoinRequest:
    """Approve a waiting request: account, participant record, member role, welcome email. Again: nothing."""
    _check_decides(by, request)
    with transaction.atomic():
        locked = JoinRequest.objects.select_for_update().select_related("partnership").get(pk=request.pk)
        if locked.status == JoinRequest.Status.APPROVED:
            return locked
        if locked.status != JoinRequest.Status.WAITING:
            raise ValidationError("Only a request whose email is confirmed, and not yet decided, can be approved.")
        user, new_account = _account_for(locked)
        _participant_for(locked, user)
        # Staff and the chair decide who joins (checked above); give_role alone would leave it to the chair.
        give_role(by, user, locked.partnership, roles.MEMBER, checked=True)
        locked.status = JoinRequest.Status.APPROVED
        locked.user = user
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "user", "decided_by", "decided_at"])
    # Once saved: a welcome is never sent for an approval that was rolled back.
    joining_emails.send_welcome(locked, user, new_account)
    return locked


def decline_join_request(request: JoinRequest, by: AbstractBaseUser, reason: str) -> JoinRequest:
    """Decline a request with a kind reason, which the person receives by email. Again: nothing."""
    _check_decides(by, request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"decline_reason": "Say kindly why, in words the person will read."})
    with transaction.atomic():
        locked = JoinRequest.objects.select_for_update().select_related("partnership").get(pk=request.pk)
        if locked.status == JoinRequest.Status.DECLINED:
            return locked
        if locked.status == JoinRequest.Status.APPROVED:
            raise ValidationError("This request has already been approved.")
        locked.status = JoinRequest.Status.DECLINED
        locked.decline_reason = reason
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
    joining_emails.send_declined(locked)
    return locked
