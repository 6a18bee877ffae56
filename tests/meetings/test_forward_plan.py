"""The forward plan: decisions coming up (public), made ones with their agenda item and "we did", and asking
to be involved (a topic pre-filled with the decision)."""

import datetime

import pytest
from django.urls import reverse

from meetings.models import Response
from meetings.topics import ForwardDecision, Topic
from tests.factories import make_item, make_meeting, page_text

pytestmark = pytest.mark.django_db


def decision(partnership, title, days=30, **fields):
    return ForwardDecision.objects.create(
        partnership=partnership,
        title=title,
        decision_maker="LCP Strategic Board",
        expected_date=datetime.date(2030, 1, 1) + datetime.timedelta(days=days),
        what_is_decided=f"What {title} decides.",
        how_to_be_involved="Come to the June meeting.",
        **fields,
    )


def plan_url(partnership):
    return reverse("forward_plan", args=[partnership.slug])


def test_upcoming_decisions_come_first_then_made_ones_with_their_item_and_we_did(client, partnership):
    item = make_item(make_meeting(partnership), title="Charter discussion")
    said = Response.objects.create(
        agenda_item=item,
        what_we_did="We rewrote the Charter.",
        decided_by="Board",
        decided_on=datetime.date(2024, 3, 1),
        changed="plan",
    )
    decision(partnership, "Made one", status="made", made_on=datetime.date(2024, 3, 1), agenda_item=item, response=said)
    decision(partnership, "Later one", days=60)
    decision(partnership, "Sooner one", days=10)
    response = client.get(plan_url(partnership))
    text = page_text(response)
    assert text.index("Sooner one") < text.index("Later one") < text.index("Made one")
    assert "Coming up" in text and "We rewrote the Charter." in text and "Charter discussion" in text
    assert response.status_code == 200


def test_the_plan_has_an_empty_state_and_unknown_partnerships_are_not_found(client, partnership):
    assert "No decisions are on the forward plan yet." in page_text(client.get(plan_url(partnership)))
    assert client.get(reverse("forward_plan", args=["nope"])).status_code == 404


def test_asking_to_be_involved_prefills_a_topic_that_keeps_the_decision(client, partnership, member, ladder):
    upcoming = decision(partnership, "Joint Forward Plan refresh")
    text = page_text(client.get(plan_url(partnership)))
    link = f"{reverse('topic_new', args=[partnership.slug])}?decision={upcoming.pk}"
    assert link in client.get(plan_url(partnership)).content.decode().replace("&amp;", "&")
    assert "Ask to be involved" in text
    client.force_login(member)
    form_page = client.get(link)
    assert form_page.context["form"].initial["title"] == "Involve us in: Joint Forward Plan refresh"
    client.post(
        link,
        {
            "title": "Involve us",
            "about": "The plan",
            "why_it_matters": "It shapes services",
            "wanted_rung": ladder["Involving"].pk,
        },
    )
    assert Topic.objects.get().decision == upcoming


@pytest.mark.parametrize("given", ["999999", "abc", "%00", "٣"])
def test_a_decision_that_is_not_this_partnerships_is_ignored(client, partnership, member, elsewhere, given):
    theirs = decision(elsewhere, "Not ours")
    client.force_login(member)
    for value in (given, str(theirs.pk)):
        response = client.get(f"{reverse('topic_new', args=[partnership.slug])}?decision={value}")
        assert response.status_code == 200 and response.context["decision"] is None


def test_a_made_decision_needs_its_date(partnership):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        decision(partnership, "No date", status="made")


@pytest.mark.parametrize("count", [2, 25])
def test_the_plan_query_count_stays_flat(client, partnership, count, django_assert_max_num_queries):
    item = make_item(make_meeting(partnership))
    for n in range(count):
        decision(partnership, f"Decision {n}", days=n, agenda_item=item)
        decision(partnership, f"Made {n}", status="made", made_on=datetime.date(2024, 1, 1), agenda_item=item)
    with django_assert_max_num_queries(6):
        assert client.get(plan_url(partnership)).status_code == 200


def test_staff_keep_the_plan_in_the_back_office_for_their_own_partnership(client, partnership, staff_user, elsewhere):
    ours = decision(partnership, "Ours")
    theirs = decision(elsewhere, "Theirs")
    client.force_login(staff_user)
    response = client.get(reverse("admin:meetings_forwarddecision_changelist"))
    assert set(response.context["cl"].queryset) == {ours}
    assert theirs not in response.context["cl"].queryset


def test_the_demo_has_topics_in_every_status_and_three_decisions_and_loads_twice(demo_data):
    import io

    from django.core.management import call_command

    lewisham = demo_data["lewisham"]
    call_command("load_demo", stdout=io.StringIO())
    topics = Topic.objects.filter(partnership=lewisham)
    assert set(topics.values_list("status", flat=True)) == set(Topic.Status.values)
    scheduled = topics.get(status="scheduled")
    assert scheduled.agenda_item.meeting.start.date() == datetime.date(2024, 6, 26)
    assert scheduled.supports.count() == 2 and scheduled.history.filter(to_status="scheduled").count() == 1
    decisions = ForwardDecision.objects.filter(partnership=lewisham)
    assert decisions.count() == 3
    assert decisions.filter(status="made", response__isnull=False, agenda_item__isnull=False).count() == 1
    assert topics.filter(decision__isnull=False).count() == 1
