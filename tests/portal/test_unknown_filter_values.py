"""A filter value a list does not know: the same answer on every list.

Status 200, nothing listed, and the page names the value ("No partnership called “nope”."),
escaped, beside the field and above the (empty) list, with a way back to the whole list.
The calendar feed is a file a calendar app subscribes to, not a page: it answers 404, naming it.
tests/security/test_hostile_query_strings.py checks every page that reads ``partnership``.
"""

import re

import pytest
from django.urls import reverse

from meetings.models import Meeting
from tests.factories import make_item, make_meeting, page_text

pytestmark = pytest.mark.django_db

NOPE = "No partnership called “nope”."


@pytest.fixture
def lists(partnership, ladder):
    """Something on every list, so that an empty one means the filter emptied it."""
    from priorities.models import Priority
    from tests.reimbursement.conftest import make_policy

    meeting = make_meeting(partnership, title="Held", status=Meeting.Status.HELD)
    make_item(meeting, engagement_type=ladder["Involving"], feedback_status="need_feedback")
    Priority.objects.create(partnership=partnership, number=1, title="Access to services")
    make_policy(partnership)
    return meeting


LIST_PAGES = [
    # url name, and what the page lists (a context key)
    ("meeting_list", "meetings"),
    ("priority_list", "priorities"),
    ("you_said_we_did", "waiting_items"),
    ("claim_policy", "sections"),
]


def listed(response, key):
    return list(response.context[key])


@pytest.mark.parametrize(("name", "key"), LIST_PAGES)
def test_an_unknown_partnership_is_an_empty_list_that_names_it(client, lists, name, key):
    assert listed(client.get(reverse(name)), key), "without the filter, the list has something"
    response = client.get(reverse(name), {"partnership": "nope"})
    assert response.status_code == 200
    assert listed(response, key) == []
    alert = re.search(r'<div class="alert alert-warning" role="alert">.*?</div>', page_text(response), re.S)
    assert alert and NOPE in alert.group(0), "said above the list"
    assert f'href="{reverse(name)}"' in alert.group(0), "with a way back to the whole list"
    if name != "claim_policy":  # the lists with a filter form say it beside the field too
        assert 'aria-invalid="true"' in response.content.decode()
        assert page_text(response).count(NOPE) == 2


@pytest.mark.parametrize(("name", "key"), LIST_PAGES)
def test_the_unknown_value_is_shown_escaped_and_legible(client, lists, name, key):
    response = client.get(reverse(name), {"partnership": "<b>nope</b>\x00" + "x" * 300})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<b>nope</b>" not in html
    assert "No partnership called “&lt;b&gt;nope&lt;/b&gt;\N{REPLACEMENT CHARACTER}xxx" in html
    said = [line for line in html.splitlines() if "No partnership called" in line]
    assert said and all("x" * 100 not in line for line in said)  # cut to a readable length


@pytest.mark.parametrize(
    ("name", "query", "message"),
    [
        ("meeting_list", {"year": "1800"}, "“1800” is not one of the choices for financial year."),
        ("meeting_list", {"format": "zoom"}, "“zoom” is not one of the choices for format."),
        ("meeting_list", {"engagement_type": "²"}, "No engagement type called “²”."),
        ("priority_list", {"status": "finished"}, "“finished” is not one of the choices for action status."),
        ("priority_list", {"theme": "999999"}, "No theme called “999999”."),
        ("priority_list", {"framework": "nope"}, "No framework tag called “nope”."),
        ("priority_list", {"owner": "organisation-²"}, "“organisation-²” is not one of the choices for owner."),
        ("priority_list", {"archived": "maybe"}, "“maybe” is not one of the choices for show."),
    ],
)
def test_other_unknown_filter_values_are_named_too(client, lists, name, query, message):
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    assert message in page_text(response)


def test_the_year_summary_names_an_unknown_partnership_beside_the_field(client_for, lists):
    response = client_for("finance").get(reverse("claim_year_summary"), {"partnership": "nope", "year": "2023"})
    assert response.status_code == 200
    assert response.context["summary"] is None
    assert NOPE in page_text(response)


def test_the_calendar_feed_answers_not_found_naming_the_partnership(client, lists):
    response = client.get(reverse("meeting_calendar"), {"partnership": "nope"})
    assert response.status_code == 404
    assert NOPE in page_text(response)


def test_a_known_partnership_with_a_space_copied_on_the_end_still_works(client, lists, partnership):
    response = client.get(reverse("meeting_list"), {"partnership": f"{partnership.slug} "})
    assert response.status_code == 200
    assert listed(response, "meetings") == [lists]
