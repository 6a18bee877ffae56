"""Visitors' views: a draft's items take none, and an address too long to keep is refused at the field."""

import pytest
from django.urls import reverse

from meetings.models import Feedback
from tests.factories import make_item, make_meeting

pytestmark = pytest.mark.django_db

SEND = {"name": "Val Visitor", "email": "val@example.org", "text": "More benches, please.", "consent": "on"}


def test_a_draft_meetings_item_takes_no_visitor_views_and_shows_nothing(client, partnership, mailoutbox):
    draft = make_meeting(partnership, title="Secret budget meeting", draft=True)
    item = make_item(draft, title="Closing the day centre")
    url = reverse("visitor_views", args=[item.pk])
    response = client.get(url)
    assert response.status_code == 404
    assert "Closing the day centre" not in response.content.decode()
    assert client.post(url, SEND).status_code == 404
    assert not Feedback.with_pending.filter(agenda_item=item).exists() and mailoutbox == []


def test_an_address_longer_than_can_be_kept_is_refused_next_to_its_field(client, meeting):
    item = make_item(meeting, title="Benches")
    long_address = "a" * 64 + "@" + ".".join(["b" * 63] * 3) + ".org"  # valid, but over 254 characters
    assert len(long_address) > 254
    response = client.post(reverse("visitor_views", args=[item.pk]), {**SEND, "email": long_address})
    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()
    assert not Feedback.with_pending.filter(agenda_item=item).exists()
