"""Writing topics: proposing, "me too", and the chair's status changes (each locked, each safe to repeat)."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from engagement.services import participant_for_user

from .signals import send_on_commit, topic_status_changed
from .topics import Topic, TopicStatusChange, TopicSupport

Status = Topic.Status
RESENT_WITHIN = datetime.timedelta(minutes=10)


# A topic is public, and its proposer and supporters are told where it is scheduled: not onto a draft.
DRAFT_ITEM = "That meeting is still a draft, so its agenda is not public: publish the meeting first, then schedule."


def status_change_problems(topic: Topic, to: str, words: str, agenda_item=None, merged_into=None) -> dict:
    """What is wrong with moving ``topic`` to ``to``, as ``{field: message}`` (empty when the change may be made)."""
    problems = {}
    if to not in Status.values:
        return {"status": "Choose one of the statuses."}
    words = (words or "").strip()
    if to == Status.DECLINED and not words:
        problems["status_words"] = "Say why the topic is declined: the proposer and supporters will read it."
    if to == Status.ANSWERED and not words:
        problems["status_words"] = "Give the answer, or say where it was answered."
    if to == Status.SCHEDULED:
        if agenda_item is None:
            problems["agenda_item"] = "Choose the agenda item the topic is scheduled for."
        elif agenda_item.meeting.partnership_id != topic.partnership_id:
            problems["agenda_item"] = "Choose an agenda item of this partnership's meetings."
        elif agenda_item.meeting.is_draft:
            problems["agenda_item"] = DRAFT_ITEM
    if to == Status.MERGED:
        if merged_into is None:
            problems["merged_into"] = "Choose the topic this one is merged into."
        elif merged_into.pk == topic.pk:
            problems["merged_into"] = "A topic cannot be merged into itself."
        elif merged_into.partnership_id != topic.partnership_id:
            problems["merged_into"] = "Choose a topic of the same partnership."
    return problems


def change_topic_status(
    topic: Topic, to: str, words: str, by, agenda_item=None, merged_into=None
) -> TopicStatusChange | None:
    """Move ``topic`` to status ``to`` with public ``words``, writing its history; None if nothing changed.

    Raises ``ValidationError`` (by field) when the rules are not met. Sending the same change
    twice writes one history row. ``topic_status_changed`` is sent once the transaction commits.
    """
    words = (words or "").strip()
    with transaction.atomic():
        locked = Topic.objects.select_for_update().get(pk=topic.pk)
        problems = status_change_problems(locked, to, words, agenda_item, merged_into)
        if problems:
            raise ValidationError(problems)
        item_id = agenda_item.pk if to == Status.SCHEDULED else None
        merged_id = merged_into.pk if to == Status.MERGED else None
        if (locked.status, locked.status_words, locked.agenda_item_id, locked.merged_into_id) == (
            to,
            words,
            item_id,
            merged_id,
        ):
            return None
        change = TopicStatusChange.objects.create(
            topic=locked, from_status=locked.status, to_status=to, words=words, changed_by=by
        )
        locked.status, locked.status_words = to, words
        locked.agenda_item_id, locked.merged_into_id = item_id, merged_id
        locked.save(update_fields=["status", "status_words", "agenda_item", "merged_into", "updated_at"])
        send_on_commit(topic_status_changed, Topic, topic=locked, change=change)
    for name in ("status", "status_words", "agenda_item_id", "merged_into_id"):
        setattr(topic, name, getattr(locked, name))
    return change


def propose_topic(partnership, user, **fields) -> Topic:
    """A member's new topic (status new), with its first line of history.

    The same proposal sent twice (a double click, a resent form) within ``RESENT_WITHIN`` is the one topic.
    """
    with transaction.atomic():
        if user is not None and user.is_authenticated:
            # Lock the proposer's row so that two copies sent at once are seen one after the other.
            get_user_model().objects.select_for_update().filter(pk=user.pk).first()
            resent = Topic.objects.filter(
                partnership=partnership,
                proposed_by=user,
                title=fields.get("title", ""),
                about=fields.get("about", ""),
                created_at__gte=timezone.now() - RESENT_WITHIN,
            ).first()
            if resent is not None:
                return resent
        topic = Topic.objects.create(
            partnership=partnership,
            proposed_by=user,
            proposer_participant=participant_for_user(user),
            **fields,
        )
        TopicStatusChange.objects.create(
            topic=topic, from_status=Status.NEW, to_status=Status.NEW, words="Proposed.", changed_by=user
        )
    return topic


def support_topic(topic: Topic, user) -> bool:
    """Add ``user``'s "me too" (True), or nothing if they already support it (False)."""
    try:
        with transaction.atomic():
            _, created = TopicSupport.objects.get_or_create(topic=topic, user=user)
    except IntegrityError:  # the same "me too" sent twice at once
        return False
    return created


def withdraw_support(topic: Topic, user) -> bool:
    """Take back ``user``'s "me too"; False if there was none."""
    deleted, _ = TopicSupport.objects.filter(topic=topic, user=user).delete()
    return bool(deleted)
