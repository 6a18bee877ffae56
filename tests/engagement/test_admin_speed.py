"""The back office's people list at a region's size (issue 13): who a chair sees, read without joining the world.

``people_in_scope`` narrows the list to the people of the chair's partnerships and those not yet placed
anywhere; it reads lists of ids (hashed once by PostgreSQL), never every person joined with every attendance,
which took over two seconds a page with 60,000 people and 225,000 attendances.
"""

import pytest

from engagement.admin import people_in_scope
from engagement.models import Participant
from engagement.roles import CHAIR, MEMBER
from tests.factories import attend, make_meeting, make_participant, make_partnership, make_user

pytestmark = pytest.mark.django_db


def test_a_chair_sees_their_people_and_the_unplaced_only():
    ours, theirs = make_partnership(), make_partnership()
    chair = make_user("chair-ours", role=CHAIR, partnership=ours)
    at_ours, at_theirs, unplaced = make_participant(), make_participant(), make_participant()
    attend(make_meeting(ours), at_ours)
    attend(make_meeting(theirs), at_theirs)
    our_member = make_participant(user=make_user("member-ours", role=MEMBER, partnership=ours))
    make_participant(user=make_user("member-theirs", role=MEMBER, partnership=theirs))
    both = make_participant()
    attend(make_meeting(theirs), both)
    attend(make_meeting(ours), both)

    seen = set(people_in_scope(Participant.objects.all(), chair))

    assert seen == {at_ours, unplaced, our_member, both}


def test_the_scope_joins_no_attendances_to_people():
    chair = make_user("chair-sql", role=CHAIR, partnership=make_partnership())
    sql = str(people_in_scope(Participant.objects.all(), chair).query)
    assert "JOIN" not in sql.replace('INNER JOIN "meetings_meeting"', "")
    assert (
        sql.count('FROM "meetings_attendance"') == 1
    )  # at our meetings; placed anywhere is Participant.has_attendance
