"""Topics people propose: the public list, proposing, "me too", the chair's status changes, the agenda's note."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from meetings.signals import topic_status_changed
from meetings.topic_services import change_topic_status, propose_topic, support_topic
from meetings.topics import Topic, TopicStatusChange, TopicSupport
from tests.factories import make_item, make_meeting, make_partnership, make_user, page_text

pytestmark = pytest.mark.django_db


def make_topic(partnership, user, ladder, title="Waiting times", **fields):
    fields.setdefault("about", "How long people wait.")
    fields.setdefault("why_it_matters", "People give up.")
    return propose_topic(partnership, user, title=title, wanted_rung=ladder["Involving"], **fields)


def list_url(partnership, **query):
    url = reverse("topic_list", args=[partnership.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# The list


def test_the_list_is_public_and_sorts_by_support_by_default_or_by_age(
    client, partnership, member, other_member, ladder
):
    old = make_topic(partnership, member, ladder, title="Older and supported")
    old.created_at -= datetime.timedelta(days=5)
    old.save()
    make_topic(partnership, member, ladder, title="Newer")
    support_topic(old, other_member)
    text = page_text(client.get(list_url(partnership)))
    assert text.index("Older and supported") < text.index("Newer")
    assert "1 “me too”" in text
    text = page_text(client.get(list_url(partnership, sort="new")))
    assert text.index("Newer") < text.index("Older and supported")


@pytest.mark.parametrize("sort", ["nonsense", "%00", "-support_count", "new&sort=support", "٣"])
def test_bad_sorts_and_statuses_fall_back_and_never_fail(client, partnership, member, ladder, sort):
    make_topic(partnership, member, ladder)
    response = client.get(list_url(partnership, sort=sort, status=sort, page=sort))
    assert response.status_code == 200
    assert response.context["sort"] in ("support", "new")
    assert "Waiting times" in page_text(response)


def test_the_list_filters_by_status_and_says_the_status_in_public_words(client, partnership, member, chair, ladder):
    declined = make_topic(partnership, member, ladder, title="Parking")
    change_topic_status(declined, Topic.Status.DECLINED, "The council decides parking, not us.", chair)
    make_topic(partnership, member, ladder, title="Still new")
    text = page_text(client.get(list_url(partnership, status="declined")))
    assert "Parking" in text and "Still new" not in text
    assert "Declined" in text and "The council decides parking, not us." in text


def test_the_list_is_paginated_with_an_empty_state(client, partnership, member, ladder):
    assert "Nobody has proposed a topic yet." in page_text(client.get(list_url(partnership)))
    for n in range(21):
        make_topic(partnership, member, ladder, title=f"Topic {n}")
    response = client.get(list_url(partnership))
    assert len(response.context["topics"]) == 20
    assert "Page 1 of 2" in page_text(response)


def test_an_unknown_partnership_is_not_found(client, db):
    assert client.get(reverse("topic_list", args=["nope"])).status_code == 404


@pytest.mark.parametrize("count", [2, 25])
def test_the_list_query_count_stays_flat(
    client, partnership, member, other_member, ladder, count, django_assert_max_num_queries
):
    for n in range(count):
        topic = make_topic(partnership, member, ladder, title=f"Topic {n}")
        support_topic(topic, other_member)
    client.force_login(other_member)
    with django_assert_max_num_queries(10):
        assert client.get(list_url(partnership)).status_code == 200


# Proposing


def test_a_member_proposes_a_topic_and_is_told_it_went(client, partnership, member, ladder):
    client.force_login(member)
    response = client.post(
        reverse("topic_new", args=[partnership.slug]),
        {
            "title": "Mental health waits",
            "about": "Months to be seen.",
            "why_it_matters": "People reach crisis.",
            "who_it_affects": "Young people",
            "wanted_rung": ladder["Collaborating"].pk,
        },
        follow=True,
    )
    topic = Topic.objects.get()
    assert response.redirect_chain[-1][0] == topic.get_absolute_url()
    assert "has been sent to the chair" in page_text(response)
    assert topic.proposed_by == member and topic.proposer_participant == member.participant
    assert topic.status == Topic.Status.NEW and topic.wanted_in_words == "work on it together"


def test_the_form_offers_the_ladder_in_plain_words(client, partnership, member):
    client.force_login(member)
    text = page_text(client.get(reverse("topic_new", args=[partnership.slug])))
    for words in ("Be told", "Be asked", "Be involved", "Work on it together", "Decide"):
        assert words in text


def test_bad_input_is_named_beside_its_field_and_changes_nothing(client, partnership, member):
    client.force_login(member)
    response = client.post(
        reverse("topic_new", args=[partnership.slug]),
        {"title": "", "about": "x\x00y", "why_it_matters": "", "wanted_rung": "٣"},
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "Give your topic a title." in text and "Say why it matters." in text
    assert "There is a problem" in text
    assert not Topic.objects.exists()


def test_a_member_of_a_partnership_above_may_propose(client, ladder):
    system = make_partnership(name="System", slug="system", level="system")
    place = make_partnership(name="Place", slug="place", level="place", parent=system)
    user = make_user("above", "member", partnership=system)
    client.force_login(user)
    assert client.get(reverse("topic_new", args=[place.slug])).status_code == 200


def test_outsiders_sign_in_or_are_refused(client, partnership, elsewhere_users):
    url = reverse("topic_new", args=[partnership.slug])
    assert client.get(url)["Location"].startswith(reverse("login"))
    client.force_login(elsewhere_users["elsewhere_member"])
    assert client.post(url, {"title": "x"}).status_code == 403
    assert not Topic.objects.exists()


# "Me too"


def test_me_too_counts_once_and_can_be_taken_back(client, partnership, member, other_member, ladder):
    topic = make_topic(partnership, member, ladder)
    url = reverse("topic_support", args=[partnership.slug, topic.pk])
    client.force_login(other_member)
    client.post(url, {"action": "support"})
    response = client.post(url, {"action": "support"}, follow=True)
    assert TopicSupport.objects.filter(topic=topic).count() == 1
    assert "You support" in page_text(response)
    client.post(url, {"action": "withdraw"})
    client.post(url, {"action": "withdraw"})
    assert not TopicSupport.objects.exists()


def test_the_database_refuses_a_second_me_too(partnership, member, other_member, ladder):
    topic = make_topic(partnership, member, ladder)
    TopicSupport.objects.create(topic=topic, user=other_member)
    with pytest.raises(IntegrityError), transaction.atomic():
        TopicSupport.objects.create(topic=topic, user=other_member)


def test_me_too_is_for_members_of_the_partnership(client, partnership, member, ladder, elsewhere_users):
    topic = make_topic(partnership, member, ladder)
    url = reverse("topic_support", args=[partnership.slug, topic.pk])
    assert client.post(url, {"action": "support"})["Location"].startswith(reverse("login"))
    client.force_login(elsewhere_users["elsewhere_member"])
    assert client.post(url, {"action": "support"}).status_code == 403
    client.force_login(member)
    assert client.get(url).status_code == 405
    assert not TopicSupport.objects.exists()


def test_a_closed_topic_takes_no_more_support(client, partnership, member, other_member, chair, ladder):
    topic = make_topic(partnership, member, ladder)
    change_topic_status(topic, Topic.Status.DECLINED, "Not ours to decide.", chair)
    client.force_login(other_member)
    client.post(reverse("topic_support", args=[partnership.slug, topic.pk]), {"action": "support"})
    assert not TopicSupport.objects.exists()


def test_the_next_address_must_be_on_this_site(client, partnership, member, other_member, ladder):
    topic = make_topic(partnership, member, ladder)
    client.force_login(other_member)
    response = client.post(
        reverse("topic_support", args=[partnership.slug, topic.pk]),
        {"action": "support", "next": "https://evil.example/"},
    )
    assert response["Location"] == topic.get_absolute_url()


# Status changes


def test_declining_needs_words_and_scheduling_an_item_of_the_same_partnership(
    partnership, member, chair, ladder, elsewhere
):
    topic = make_topic(partnership, member, ladder)
    with pytest.raises(ValidationError) as error:
        change_topic_status(topic, Topic.Status.DECLINED, "  ", chair)
    assert "status_words" in error.value.message_dict
    with pytest.raises(ValidationError):
        change_topic_status(topic, Topic.Status.ANSWERED, "", chair)
    other_item = make_item(make_meeting(elsewhere))
    with pytest.raises(ValidationError) as error:
        change_topic_status(topic, Topic.Status.SCHEDULED, "", chair, agenda_item=other_item)
    assert "agenda_item" in error.value.message_dict
    other_topic = make_topic(elsewhere, member, ladder)
    with pytest.raises(ValidationError):
        change_topic_status(topic, Topic.Status.MERGED, "", chair, merged_into=other_topic)
    with pytest.raises(ValidationError):
        change_topic_status(topic, Topic.Status.MERGED, "", chair, merged_into=topic)
    topic.refresh_from_db()
    assert topic.status == Topic.Status.NEW and topic.history.count() == 1


def test_a_change_writes_history_once_and_signals_on_commit(
    partnership, member, chair, ladder, django_capture_on_commit_callbacks
):
    topic = make_topic(partnership, member, ladder)
    item = make_item(make_meeting(partnership))
    heard = []

    def listener(sender, topic, change, **kwargs):
        heard.append((topic.pk, change.to_status))

    topic_status_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            change_topic_status(topic, Topic.Status.SCHEDULED, "On the June agenda.", chair, agenda_item=item)
            assert (
                change_topic_status(topic, Topic.Status.SCHEDULED, "On the June agenda.", chair, agenda_item=item)
                is None
            )
    finally:
        topic_status_changed.disconnect(listener)
    topic.refresh_from_db()
    assert topic.status == Topic.Status.SCHEDULED and topic.agenda_item == item
    assert heard == [(topic.pk, "scheduled")]
    change = TopicStatusChange.objects.filter(topic=topic).last()
    assert (change.from_status, change.to_status, change.words, change.changed_by) == (
        "new",
        "scheduled",
        "On the June agenda.",
        chair,
    )


def test_the_detail_page_shows_the_history_in_public_words(client, partnership, member, chair, ladder):
    topic = make_topic(partnership, member, ladder)
    change_topic_status(topic, Topic.Status.CONSIDERING, "We will look at it in May.", chair)
    text = page_text(client.get(topic.get_absolute_url()))
    assert "New → Being considered. We will look at it in May." in text
    assert client.get(reverse("topic_detail", args=["elsewhere-slug", topic.pk])).status_code == 404


def test_the_database_refuses_a_decline_without_words(partnership, member, ladder):
    topic = make_topic(partnership, member, ladder)
    with pytest.raises(IntegrityError), transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(status=Topic.Status.DECLINED)


# The back office


def test_the_chair_schedules_a_topic_through_the_change_form(client, partnership, member, chair, ladder):
    topic = make_topic(partnership, member, ladder)
    item = make_item(make_meeting(partnership))
    client.force_login(chair)
    url = reverse("admin:meetings_topic_change", args=[topic.pk])
    data = {
        "partnership": partnership.pk,
        "title": topic.title,
        "about": topic.about,
        "why_it_matters": topic.why_it_matters,
        "who_it_affects": "",
        "wanted_rung": topic.wanted_rung_id,
        "status": "declined",
        "status_words": "",
        "agenda_item": "",
        "merged_into": "",
        "decision": "",
        "history-TOTAL_FORMS": "0",
        "history-INITIAL_FORMS": "0",
        "history-MIN_NUM_FORMS": "0",
        "history-MAX_NUM_FORMS": "1000",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Say why the topic is declined" in page_text(response)
    topic.refresh_from_db()
    assert topic.status == Topic.Status.NEW
    data.update(status="scheduled", agenda_item=item.pk, status_words="On the agenda.")
    assert client.post(url, data).status_code == 302
    topic.refresh_from_db()
    assert topic.status == Topic.Status.SCHEDULED and topic.agenda_item == item
    assert topic.history.last().changed_by == chair


def test_the_consider_action_goes_through_the_service(client, partnership, member, chair, ladder):
    topic = make_topic(partnership, member, ladder)
    client.force_login(chair)
    client.post(
        reverse("admin:meetings_topic_changelist"),
        {"action": "mark_considering", "_selected_action": [topic.pk]},
    )
    topic.refresh_from_db()
    assert topic.status == Topic.Status.CONSIDERING
    assert topic.history.last().to_status == "considering"


# The agenda


def test_an_item_from_a_topic_says_who_proposed_it_and_how_many_support_it(
    client, partnership, member, other_member, chair, ladder
):
    meeting = make_meeting(partnership)
    item = make_item(meeting, title="Mental health waits")
    make_item(meeting, title="From the system")
    topic = make_topic(partnership, member, ladder)
    merged_view = make_topic(partnership, other_member, ladder, title="Same again")
    support_topic(topic, other_member)
    support_topic(topic, member)  # the proposer supporting their own topic counts once
    support_topic(merged_view, chair)
    change_topic_status(topic, Topic.Status.SCHEDULED, "", chair, agenda_item=item)
    change_topic_status(merged_view, Topic.Status.SCHEDULED, "", chair, agenda_item=item)
    text = page_text(client.get(meeting.get_absolute_url()))
    assert text.count("Proposed by members of the partnership, supported by 3 people") == 1


def test_the_partnership_page_links_topics_and_the_forward_plan(client, partnership):
    text = client.get(partnership.get_absolute_url()).content.decode()
    assert reverse("topic_list", args=[partnership.slug]) in text
    assert reverse("forward_plan", args=[partnership.slug]) in text


def test_the_back_office_pages_open_and_a_chair_records_a_topic_heard_by_phone(
    client, partnership, member, chair, ladder
):
    make_topic(partnership, member, ladder)
    client.force_login(chair)
    for name in ("admin:meetings_topic_changelist", "admin:meetings_topic_add", "admin:meetings_forwarddecision_add"):
        assert client.get(reverse(name)).status_code == 200, name
    response = client.post(
        reverse("admin:meetings_topic_add"),
        {
            "partnership": partnership.pk,
            "title": "Heard by phone",
            "about": "a",
            "why_it_matters": "b",
            "who_it_affects": "",
            "wanted_rung": ladder["Consulting"].pk,
            "decision": "",
            "history-TOTAL_FORMS": "0",
            "history-INITIAL_FORMS": "0",
            "history-MIN_NUM_FORMS": "0",
            "history-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302
    topic = Topic.objects.get(title="Heard by phone")
    assert topic.status == Topic.Status.NEW and topic.proposed_by == chair and topic.history.count() == 1


def test_a_proposal_sent_twice_is_one_topic(client, partnership, member, ladder):
    client.force_login(member)
    data = {"title": "Twice", "about": "a", "why_it_matters": "b", "wanted_rung": ladder["Involving"].pk}
    first = client.post(reverse("topic_new", args=[partnership.slug]), data)
    second = client.post(reverse("topic_new", args=[partnership.slug]), data)
    assert Topic.objects.count() == 1
    assert first["Location"] == second["Location"]
