"""Every back-office model, as the chair of another partnership: none of this partnership's records, ever.

For each model registered in the admin (``admin.site._registry``), a record
belonging to ``partnership`` is made (``PARTNERSHIP_ROWS``), and the chair of
``elsewhere`` (a sibling: neither above nor below it) must find that:

- the change list shows none of it;
- its change, delete and history pages are refused (403, 404 or the admin's
  "not found" redirect: never a 200), and posting to them changes nothing;
- every bulk action offered, run on it, changes nothing and downloads none of it.

Models that hold no partnership's records (shared lists, the operators' own)
are listed in ``SHARED`` with the reason; a newly registered model fails
``test_every_admin_model_is_classified`` until it is put in one or the other.
"""

import datetime

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from engagement.models import Membership, Partnership
from tests.factories import attend, make_item, make_meeting

# Models with no partnership's records, and why.
SHARED = {
    "auth.group": "no groups are used (roles are memberships); the operators' own",
    "axes.accessattempt": "sign-in attempts: the operators' own",
    "axes.accesslog": "sign-in log: the operators' own",
    "axes.accessfailurelog": "sign-in failures: the operators' own",
    "account.emailaddress": "people's confirmed addresses (django-allauth): the operators' own",
    "engagement.organisation": "shared by every partnership; only the operators change one",
    "engagement.engagementtype": "the region's ladder; only the operators change it",
    "engagement.theme": "shared by every partnership; only the operators change one",
    "django_tasks_database.dbtaskresult": "the task queue's own rows (ids only): the operators' own",
}


def _glossary_term(world):
    from engagement.models import GlossaryTerm

    return GlossaryTerm.objects.create(partnership=world.partnership, term="LPP", meaning="Our partnership.")


def _paper(world):
    from meetings.models import Paper

    return Paper.objects.create(meeting=world.meeting, title="Members' paper", url="https://example.org/paper")


def _feedback(world):
    from meetings.models import Feedback

    return Feedback.objects.create(agenda_item=world.item, participant=world.member.participant, text="My views.")


def _join_request(world):
    from engagement.models import JoinRequest

    return JoinRequest.objects.create(
        partnership=world.partnership, name="Jo Joiner", email="jo@example.org", status=JoinRequest.Status.WAITING
    )


def _response(world):
    from meetings.models import Response

    return Response.objects.create(
        agenda_item=world.item,
        what_we_did="We changed it.",
        decided_by="The board",
        decided_on=timezone.localdate(),
        changed="decision",
    )


def _year_review(world):
    from meetings.models import YearReview

    return YearReview.objects.create(partnership=world.partnership, year=2023, went_well="A great deal.")


def _policy(world):
    from tests.reimbursement.conftest import make_policy

    return make_policy(world.partnership)


def _claim(world):
    from reimbursement.models import Claim
    from tests.reimbursement.conftest import make_claim, make_policy

    make_policy(world.partnership)
    return make_claim(world.member, world.meeting, Claim.Status.SUBMITTED)


def _priority(world):
    from priorities.models import Priority

    return Priority.objects.create(partnership=world.partnership, number=1, title="Our priority")


def _action(world):
    from priorities.models import Action

    return Action.objects.create(priority=_priority(world), description="Our action")


def _framework_tag(world):
    from priorities.models import FrameworkTag

    return FrameworkTag.objects.create(name="Our intention", slug="our-intention", partnership=world.partnership)


def _notification(world):
    from engagement.notifications.models import Notification

    return Notification.objects.create(
        key="test:1", kind="reminder", partnership=world.partnership, email="mina@example.org", subject="Reminder"
    )


def _notification_settings(world):
    from engagement.notifications.models import PartnershipNotificationSettings

    return PartnershipNotificationSettings.objects.create(partnership=world.partnership, reminder_days_before=3)


def _topic(world):
    from engagement.models import EngagementType
    from meetings.topic_services import propose_topic

    return propose_topic(
        world.partnership,
        world.member,
        title="Our topic",
        about="About.",
        why_it_matters="Why.",
        wanted_rung=EngagementType.objects.first(),
        decision=_forward_decision(world),
    )


def _forward_decision(world):
    from meetings.topics import ForwardDecision

    return ForwardDecision.objects.create(
        partnership=world.partnership,
        title="Our decision",
        decision_maker="The board",
        expected_date=datetime.date(2030, 1, 1),
        what_is_decided="A plan.",
    )


# The partnership's record of each model: {label: maker(world)}.
PARTNERSHIP_ROWS = {
    "auth.user": lambda world: world.member,
    "engagement.partnership": lambda world: world.partnership,
    "engagement.membership": lambda world: Membership.objects.get(user=world.member, partnership=world.partnership),
    "engagement.participant": lambda world: world.member.participant,
    "engagement.glossaryterm": _glossary_term,
    "engagement.joinrequest": _join_request,
    "meetings.meeting": lambda world: world.meeting,
    "meetings.agendaitem": lambda world: world.item,
    "meetings.paper": _paper,
    "meetings.attendance": lambda world: world.attendance,
    "meetings.feedback": _feedback,
    "meetings.response": _response,
    "meetings.yearreview": _year_review,
    "meetings.topic": _topic,
    "meetings.forwarddecision": _forward_decision,
    "reimbursement.paymentpolicy": _policy,
    "reimbursement.claim": _claim,
    "priorities.priority": _priority,
    "priorities.action": _action,
    "priorities.frameworktag": _framework_tag,
    "notifications.notification": _notification,
    "notifications.partnershipnotificationsettings": _notification_settings,
}


def registered_labels():
    return sorted(model._meta.label_lower for model in admin.site._registry)


def scoped_cases():
    return [label for label in registered_labels() if label in PARTNERSHIP_ROWS]


class World:
    """The partnership's people and a recent held meeting that the member attended."""

    def __init__(self, partnership, member, chair):
        self.partnership, self.member, self.chair = partnership, member, chair
        start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) - datetime.timedelta(days=3)
        self.meeting = make_meeting(partnership, start=start, status="held", title="Our meeting")
        self.item = make_item(self.meeting, title="Our item")
        self.attendance = attend(self.meeting, member.participant)


@pytest.fixture
def world(partnership, member, chair, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return World(partnership, member, chair)


@pytest.fixture
def intruder(client, elsewhere_users):
    """A client signed in as the chair of ``elsewhere``."""
    client.force_login(elsewhere_users["elsewhere_chair"])
    return client


def model_of(label):
    return next(model for model in admin.site._registry if model._meta.label_lower == label)


def snapshot(obj):
    """The row as stored (None once deleted), to tell whether anything changed."""
    return type(obj)._base_manager.filter(pk=obj.pk).values().first()


def url(obj, page):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=[obj.pk])


def test_every_admin_model_is_classified():
    labels = set(registered_labels())
    assert not labels - set(PARTNERSHIP_ROWS) - set(SHARED), "say whose records these are"
    assert not set(PARTNERSHIP_ROWS) & set(SHARED)


@pytest.mark.parametrize("label", scoped_cases())
def test_the_change_list_shows_none_of_the_partnerships_records(intruder, world, label):
    obj = PARTNERSHIP_ROWS[label](world)
    opts = obj._meta
    response = intruder.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code in (200, 302, 403)
    if response.status_code == 200:
        assert obj.pk not in {row.pk for row in response.context["cl"].queryset}


@pytest.mark.parametrize("label", scoped_cases())
def test_the_records_pages_are_refused_and_posting_changes_nothing(intruder, world, label):
    obj = PARTNERSHIP_ROWS[label](world)
    before = snapshot(obj)
    for page in ("change", "delete", "history"):
        assert intruder.get(url(obj, page)).status_code in (302, 403, 404), page
    assert intruder.post(url(obj, "change"), {}).status_code != 200
    assert intruder.post(url(obj, "delete"), {"post": "yes"}).status_code != 200
    assert snapshot(obj) == before


@pytest.mark.parametrize("label", scoped_cases())
def test_every_bulk_action_on_the_partnerships_records_changes_nothing(intruder, world, elsewhere_users, label):
    obj = PARTNERSHIP_ROWS[label](world)
    opts = obj._meta
    request = RequestFactory().get("/admin/")
    request.user = elsewhere_users["elsewhere_chair"]
    actions = admin.site._registry[model_of(label)].get_actions(request)
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    before = snapshot(obj)
    for name in actions:
        response = intruder.post(changelist, {"action": name, "_selected_action": [obj.pk], "index": 0, "post": "yes"})
        assert snapshot(obj) == before, name
        if "attachment" in response.get("Content-Disposition", ""):
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert str(obj).encode() not in body, f"{name} downloaded the record"


@pytest.mark.parametrize("label", sorted(set(registered_labels()) & set(SHARED)))
def test_shared_models_are_changed_by_the_operators_alone(elsewhere_users, label):
    """A chair may see a shared list, never rewrite a record of it that every partnership uses."""
    model_admin = admin.site._registry[model_of(label)]
    request = RequestFactory().get("/admin/")
    request.user = elsewhere_users["elsewhere_chair"]
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_operator_still_sees_everything(client, world, elsewhere, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("operator", "op@example.org", "x-Long-pass-1"))
    response = client.get(reverse("admin:engagement_partnership_changelist"))
    assert set(response.context["cl"].queryset) == set(Partnership.objects.all())
