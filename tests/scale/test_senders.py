"""Recording views offers the item's partnership's people, read from three short lists of ids (issue 13).

The region's 60,000 people were scanned twice to find the forty of one partnership (``senders_for``).
"""

import pytest

from engagement.roles import MEMBER, STAFF
from meetings.forms import senders_for
from meetings.models import Feedback
from tests.factories import attend, make_item, make_meeting, make_participant, make_partnership, make_user

pytestmark = pytest.mark.django_db


def test_the_people_offered_are_the_partnerships_from_one_union():
    ours, theirs = make_partnership(), make_partnership()
    staff = make_user("staff-senders", role=STAFF, partnership=ours)
    item = make_item(make_meeting(ours))
    came, member, sent = make_participant(), make_participant(), make_participant()
    member.user = make_user("member-senders", role=MEMBER, partnership=ours)
    member.save()
    attend(item.meeting, came)
    Feedback.objects.create(agenda_item=item, participant=sent, channel=Feedback.Channel.EMAIL, text="Yes")
    elsewhere = make_participant()
    attend(make_meeting(theirs), elsewhere)

    offered = senders_for(item, staff)

    assert set(offered) == {came, member, sent}
    assert "UNION" in str(offered.query)
