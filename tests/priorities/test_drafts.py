"""A priority is public and a draft meeting is not: its card never names or links a draft."""

import pytest
from django.urls import reverse

from tests.factories import aware, make_item, make_meeting

from .conftest import make_priority

pytestmark = pytest.mark.django_db


def test_a_priority_card_names_only_published_meetings(client, partnership):
    draft = make_meeting(partnership, start=aware(2024, 5, 1), title="Secret budget meeting", draft=True)
    published = make_meeting(partnership, start=aware(2024, 6, 1), title="June forum")
    priority = make_priority(partnership, agreed_at=draft)
    priority.discussed_at.add(make_item(draft), make_item(published))
    for url in (reverse("priority_list"), reverse("priority_detail", args=[priority.pk])):
        page = client.get(url).content.decode()
        assert "Secret budget meeting" not in page and draft.get_absolute_url() not in page, url
        assert "June forum" in page, url
    assert priority.meetings_discussed() == [published]
