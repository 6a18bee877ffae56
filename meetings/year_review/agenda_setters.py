"""Who set the agenda (issue 14): items the community proposed (from a topic) against the system's own,
topics proposed in the year and where they are now, and decisions the partnership was involved in early.

Three queries, read after ``read_year``; the renderers only format the result.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Min
from django.utils import timezone

from ..topics import ForwardDecision, Topic


@dataclass(frozen=True)
class SetterRung:
    """One rung of the ladder: business items proposed by the community and by the system."""

    name: str
    community: int
    system: int


@dataclass(frozen=True)
class AgendaSetters:
    community_items: int = 0
    system_items: int = 0
    rungs: tuple = ()
    topics_proposed: int = 0
    topics_scheduled: int = 0
    topics_answered: int = 0
    topics_declined: int = 0
    topics_merged: int = 0
    topics_waiting: int = 0
    decisions_made: int = 0
    decisions_involved_early: int = 0

    @property
    def has_figures(self):
        return bool(self.community_items or self.system_items or self.topics_proposed or self.decisions_made)


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def agenda_setters(partnership, data, year: int) -> AgendaSetters:
    """The figures for ``partnership``'s year ``year``; ``data`` is the year's ``read_year`` rows.

    - an item was *proposed by the community* when a topic was scheduled onto it; every other
      business item at a held meeting was set by the system;
    - *topics proposed*: topics created in the year, counted by where they are now (waiting: new or
      being considered);
    - *decisions made*: forward plan decisions marked made with a date in the year; *involved early*:
      those discussed at an agenda item of a meeting before that date, or proposed as a topic before it.
    """
    first_day, last_day, opens, closes = partnership.year_window(year)
    item_ids = [item.pk for item in data.item_rows]
    from_topics = set(
        Topic.objects.filter(agenda_item__in=item_ids).order_by().values_list("agenda_item_id", flat=True)
    )
    community, system = {}, {}
    for item in data.item_rows:
        counts = community if item.pk in from_topics else system
        counts[item.type_id] = counts.get(item.type_id, 0) + 1
    rungs = [SetterRung(rung.name, community.get(rung.pk, 0), system.get(rung.pk, 0)) for rung in data.types]
    if community.get(None) or system.get(None):
        rungs.append(SetterRung("No type given", community.get(None, 0), system.get(None, 0)))

    statuses = list(
        Topic.objects.filter(partnership=partnership, created_at__gte=opens, created_at__lt=closes)
        .order_by()
        .values_list("status", flat=True)
    )

    decisions = (
        ForwardDecision.objects.filter(
            partnership=partnership,
            status=ForwardDecision.Status.MADE,
            made_on__gte=first_day,
            made_on__lte=last_day,
        )
        .annotate(first_topic=Min("topics__created_at"))
        .order_by()
        .values_list("made_on", "agenda_item__meeting__start", "first_topic")
    )
    made = involved = 0
    for made_on, meeting_start, first_topic in decisions:
        made += 1
        early_meeting = meeting_start is not None and _local_date(meeting_start) < made_on
        early_topic = first_topic is not None and _local_date(first_topic) < made_on
        involved += early_meeting or early_topic

    return AgendaSetters(
        community_items=sum(community.values()),
        system_items=sum(system.values()),
        rungs=tuple(rungs),
        topics_proposed=len(statuses),
        topics_scheduled=statuses.count(Topic.Status.SCHEDULED),
        topics_answered=statuses.count(Topic.Status.ANSWERED),
        topics_declined=statuses.count(Topic.Status.DECLINED),
        topics_merged=statuses.count(Topic.Status.MERGED),
        topics_waiting=sum(statuses.count(status) for status in Topic.WAITING_STATUSES),
        decisions_made=made,
        decisions_involved_early=involved,
    )
