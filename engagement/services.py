"""Writes for who engages: linking a signed-in person to their participant record, giving and removing roles.

Meetings and reimbursement ask ``participant_for_user`` for the person behind
an account, so "one person, one record" is decided in one place.

Roles change only through ``give_role`` and ``remove_role`` (the back office
calls them): each checks ``roles.can_give_role`` (operators give any role
anywhere; a chair gives and removes member and staff roles in the partnerships
they chair), locks the person's account row so that two changes to one
person's roles happen one after the other, and does nothing the second time
it is asked for the same thing.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from . import roles
from .models import Membership, Participant, Partnership

# Roles that work in the back office: a person given one can sign in to it.
BACK_OFFICE_ROLES = (roles.STAFF, roles.CHAIR, roles.FINANCE)


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


def _refusal(by: AbstractBaseUser, partnership: Partnership, role: str) -> str:
    if roles.is_operator(by):
        return ""
    if role in (roles.CHAIR, roles.FINANCE):
        return f"Only the platform's operators give or remove the {role} role."
    return f"Only the chair of {partnership} (or of a partnership above it) gives or removes its roles."


def give_role(
    by: AbstractBaseUser, user: AbstractBaseUser, partnership: Partnership, role: str, *, checked: bool = False
) -> Membership:
    """``user`` holds ``role`` in ``partnership``, given by ``by``; giving it again changes nothing.

    Raises ``ValidationError`` for an unknown role and ``PermissionDenied``
    when ``by`` may not give it there. A back-office role (staff, chair,
    finance) also lets the person sign in to the back office; ``remove_role``
    closes it again when their last one goes. ``checked``: the caller has
    already checked ``by``'s own right (staff approving a join request give
    the member role, ``engagement.joining``); only the member role may be
    given so.
    """
    if role not in Membership.Role.values:
        raise ValidationError({"role": "Choose member, staff, chair or finance."})
    if not (checked and role == roles.MEMBER) and not roles.can_give_role(by, partnership, role):
        raise PermissionDenied(_refusal(by, partnership, role))
    with transaction.atomic():
        locked_user = get_user_model().objects.select_for_update().get(pk=user.pk)
        membership = Membership.objects.filter(user=locked_user, partnership=partnership, role=role).first()
        if membership is None:
            membership = Membership(user=locked_user, partnership=partnership, role=role)
            membership._history_user = by
            membership.save()
        if role in BACK_OFFICE_ROLES and not locked_user.is_staff:
            locked_user.is_staff = True
            locked_user.save(update_fields=["is_staff"])
            user.is_staff = True
    roles.forget_roles(user)
    return membership


def remove_role(by: AbstractBaseUser, membership: Membership) -> bool:
    """Take ``membership``'s role away, by ``by``; True if it was removed now, False if it was already gone.

    Raises ``PermissionDenied`` when ``by`` may not remove it (a chair removes
    member and staff roles in the partnerships they chair; only operators
    remove chair and finance roles).
    """
    if not roles.can_give_role(by, membership.partnership_id, membership.role):
        raise PermissionDenied(_refusal(by, membership.partnership, membership.role))
    with transaction.atomic():
        locked_user = get_user_model().objects.select_for_update().filter(pk=membership.user_id).first()
        locked = Membership.objects.select_for_update().filter(pk=membership.pk).first()
        if locked is None:
            removed = False
        else:
            if (locked.partnership_id, locked.role) != (membership.partnership_id, membership.role):
                if not roles.can_give_role(by, locked.partnership_id, locked.role):
                    raise PermissionDenied(_refusal(by, locked.partnership, locked.role))
            locked._history_user = by
            locked.delete()
            removed = True
        # The last back-office role gone: the back office is closed to them again (operators keep it).
        if (
            locked_user is not None
            and locked_user.is_staff
            and not locked_user.is_superuser
            and not Membership.objects.filter(user=locked_user, role__in=BACK_OFFICE_ROLES).exists()
        ):
            locked_user.is_staff = False
            locked_user.save(update_fields=["is_staff"])
            if Membership.user.is_cached(membership):
                membership.user.is_staff = False
    if Membership.user.is_cached(membership):
        roles.forget_roles(membership.user)
    if by.pk == membership.user_id:
        roles.forget_roles(by)
    return removed
