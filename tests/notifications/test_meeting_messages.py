"""What people are told about meetings: registering, changes, reminders, agendas, papers and "we did"."""

import datetime

import icalendar
import pytest
from django.core.management import call_command
from django.utils import timezone

from engagement.notifications.models import Notification, PartnershipNotificationSettings
from engagement.notifications.services import set_preference
from engagement.roles import MEMBER
from meetings import services
from meetings.models import Attendance, Feedback, Meeting, Paper, Response
from tests.factories import make_item, make_meeting, make_participant, make_user

from .conftest import html_of, to_one

pytestmark = pytest.mark.django_db


@pytest.fixture
def upcoming(partnership):
    partnership.contact_email = "hello@lewisham.example.org"
    partnership.save()
    start = timezone.now() + datetime.timedelta(days=10)
    return make_meeting(
        partnership,
        start=start,
        title="Autumn forum",
        venue="Civic Suite, Catford",
        format=Meeting.Format.HYBRID,
        online_link="https://meet.example.org/autumn",
    )


def test_registering_sends_a_confirmation_with_the_meeting_as_an_ics_file(member, upcoming, mailoutbox, committed):
    with committed():
        services.register(
            upcoming, member.participant, status=Attendance.Status.REGISTERED, mode=Attendance.Mode.ONLINE
        )
    (message,) = to_one(mailoutbox, "mina@example.org")
    assert "Autumn forum" in message.subject
    assert "Civic Suite, Catford" in message.body
    assert "https://meet.example.org/autumn" in message.body
    assert "Dear Mina Member" in message.body
    assert message.from_email == "Lewisham People's Partnership <noreply@localhost>"
    assert message.reply_to == ["hello@lewisham.example.org"]
    assert "hello@lewisham.example.org" in message.body
    html = html_of(message)
    assert "Civic Suite, Catford" in html and "<img" not in html
    (filename, content, mimetype) = message.attachments[0]
    assert filename == "meeting.ics" and mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]).startswith("Autumn forum")
    assert message.extra_headers["List-Unsubscribe"].startswith("<https://portal.example.org/my/notifications/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_registering_twice_sends_one_confirmation(member, upcoming, mailoutbox, committed):
    with committed():
        services.register(upcoming, member.participant, status=Attendance.Status.REGISTERED)
    with committed():
        services.register(upcoming, member.participant, status=Attendance.Status.REGISTERED)
    assert len(to_one(mailoutbox, "mina@example.org")) == 1
    assert Notification.objects.filter(kind="registered").count() == 1


def test_apologies_send_no_confirmation(member, upcoming, mailoutbox, committed):
    with committed():
        services.register(upcoming, member.participant, status=Attendance.Status.APOLOGIES)
    assert mailoutbox == []


def test_a_switched_off_confirmation_is_skipped_and_shown_as_skipped(member, upcoming, mailoutbox, committed):
    set_preference("registered", False, user_id=member.pk)
    with committed():
        services.register(upcoming, member.participant, status=Attendance.Status.REGISTERED)
    assert mailoutbox == []
    assert Notification.objects.get(kind="registered").status == Notification.Status.SKIPPED


def test_access_needs_within_a_week_reach_the_office_at_once(
    member, staff_user, chair, partnership, mailoutbox, committed
):
    soon = make_meeting(partnership, start=timezone.now() + datetime.timedelta(days=3), title="Soon")
    with committed():
        services.register(
            soon, member.participant, status=Attendance.Status.REGISTERED, access_needs="BSL interpreter", share=True
        )
    (to_staff,) = to_one(mailoutbox, "staff@example.org")
    assert "BSL interpreter" in to_staff.body and "Mina Member" in to_staff.body
    assert to_one(mailoutbox, "chair@example.org")
    assert not to_one(mailoutbox, "otto@example.org")


def test_access_needs_further_off_wait_for_the_digest(member, staff_user, upcoming, mailoutbox, committed):
    with committed():
        services.register(
            upcoming,
            member.participant,
            status=Attendance.Status.REGISTERED,
            access_needs="Step-free access",
            share=True,
        )
    assert not to_one(mailoutbox, "staff@example.org")
    with committed():
        call_command("send_staff_digest", stdout=open("/dev/null", "w"))
    (digest,) = to_one(mailoutbox, "staff@example.org")
    assert "Step-free access" in digest.body and "Registered: 1" in digest.body
    with committed():
        call_command("send_staff_digest", stdout=open("/dev/null", "w"))
    assert len(to_one(mailoutbox, "staff@example.org")) == 1


def _register(meeting, *participants):
    for participant in participants:
        Attendance.objects.create(meeting=meeting, participant=participant, status=Attendance.Status.REGISTERED)


def test_a_moved_meeting_tells_everyone_registered_and_no_one_else(
    member, other_member, upcoming, mailoutbox, committed
):
    _register(upcoming, member.participant)
    upcoming.start += datetime.timedelta(hours=1)
    upcoming.end += datetime.timedelta(hours=1)
    with committed():
        upcoming.save()
    (message,) = to_one(mailoutbox, "mina@example.org")
    assert message.subject.startswith("Changed: Autumn forum")
    assert "the time" in message.body
    assert not to_one(mailoutbox, "otto@example.org")
    # Saving again with no change says nothing more.
    with committed():
        upcoming.save()
    assert len(mailoutbox) == 1


def test_a_cancelled_meeting_tells_everyone_registered(member, other_member, upcoming, mailoutbox, committed):
    _register(upcoming, member.participant, other_member.participant)
    upcoming.status = Meeting.Status.CANCELLED
    with committed():
        upcoming.save()
    assert {message.to[0] for message in mailoutbox} == {"mina@example.org", "otto@example.org"}
    assert all(message.subject == "Cancelled: Autumn forum" for message in mailoutbox)
    assert "cancelled" in mailoutbox[0].body
    assert "otto@example.org" not in mailoutbox[0].body and "Otto" not in mailoutbox[0].body


def test_the_reminder_goes_two_days_before_to_those_registered_once(
    partnership, member, other_member, mailoutbox, committed
):
    in_two_days = make_meeting(
        partnership,
        start=timezone.now() + datetime.timedelta(days=1, hours=20),
        title="Forum in two days",
        venue="Hall",
        format=Meeting.Format.ONLINE,
        online_link="https://meet.example.org/x",
    )
    later = make_meeting(partnership, start=timezone.now() + datetime.timedelta(days=5), title="Later")
    _register(in_two_days, member.participant)
    _register(later, other_member.participant)
    Attendance.objects.create(meeting=in_two_days, participant=make_participant(), status=Attendance.Status.APOLOGIES)
    with committed():
        call_command("send_reminders", stdout=open("/dev/null", "w"))
    (message,) = mailoutbox
    assert message.to == ["mina@example.org"]
    assert message.subject.startswith("Reminder: Forum in two days")
    assert "Hall" in message.body and "https://meet.example.org/x" in message.body
    with committed():
        call_command("send_reminders", stdout=open("/dev/null", "w"))
    assert len(mailoutbox) == 1


def test_a_partnership_can_remind_earlier(partnership, other_member, mailoutbox, committed):
    PartnershipNotificationSettings.objects.create(partnership=partnership, reminder_days_before=7)
    later = make_meeting(partnership, start=timezone.now() + datetime.timedelta(days=5), title="Later")
    _register(later, other_member.participant)
    with committed():
        call_command("send_reminders", stdout=open("/dev/null", "w"))
    assert [message.to for message in mailoutbox] == [["otto@example.org"]]


def test_an_in_person_reminder_has_no_joining_link(partnership, member, mailoutbox, committed):
    meeting = make_meeting(
        partnership, start=timezone.now() + datetime.timedelta(days=1), online_link="https://meet.example.org/y"
    )
    _register(meeting, member.participant)
    with committed():
        call_command("send_reminders", stdout=open("/dev/null", "w"))
    assert "https://meet.example.org/y" not in mailoutbox[0].body


def test_agenda_published_goes_to_the_partnerships_members_who_want_it(
    partnership, member, other_member, elsewhere_users, upcoming, mailoutbox, committed
):
    from meetings.notifications import agenda_published

    make_item(upcoming, title="Community space")
    set_preference("agenda_published", False, user_id=other_member.pk)
    with committed():
        agenda_published(upcoming)
    (message,) = mailoutbox
    assert message.to == ["member@example.org"]  # the account's address
    assert "Community space" in message.body
    with committed():
        agenda_published(upcoming)
    assert len(mailoutbox) == 1


def test_a_paper_added_tells_the_members(partnership, member, upcoming, mailoutbox, committed):
    with committed():
        Paper.objects.create(meeting=upcoming, title="Budget paper", url="https://example.org/budget")
    (message,) = mailoutbox
    assert message.subject == "New paper for Autumn forum: Budget paper"


def test_we_did_tells_everyone_who_sent_views_with_an_address(
    partnership, member, other_member, staff_user, held_meeting, mailoutbox, committed
):
    item = held_meeting.agenda_items.get()
    services.send_views(item, member.participant, "More seats please.")
    services.send_views(item, member.participant, "And a ramp.")
    by_phone = make_participant(name="Phone Person", email="phone@example.org")
    services.send_views(item, by_phone, "Said on the phone.", channel=Feedback.Channel.PHONE, recorded_by=staff_user)
    no_email = make_participant(name="No Email", email="")
    services.send_views(item, no_email, "By letter.", channel=Feedback.Channel.PAPER, recorded_by=staff_user)
    response = Response(
        what_we_did="We added twenty seats.",
        decided_by="The Strategic Board",
        decided_on=datetime.date(2023, 11, 1),
        changed=Response.Changed.SERVICE,
    )
    with committed():
        services.record_response(item, response, recorded_by=staff_user)
    assert sorted(message.to[0] for message in mailoutbox) == ["mina@example.org", "phone@example.org"]
    message = to_one(mailoutbox, "mina@example.org")[0]
    assert "We added twenty seats." in message.body
    assert "The Strategic Board" in message.body
    assert "https://portal.example.org/you-said-we-did/" in message.body
    assert "Said on the phone." not in message.body  # nobody else's views
    assert "Phone Person" not in message.body and "Otto" not in message.body


def test_the_chair_gets_the_weekly_list_of_items_waiting_past_the_target(
    partnership, chair, staff_user, mailoutbox, committed
):
    from tests.factories import aware

    old = make_meeting(partnership, start=aware(2023, 1, 10), status=Meeting.Status.HELD)
    make_item(old, title="Still waiting", feedback_status="awaiting_response")
    make_item(old, title="Answered", feedback_status="responded")
    with committed():
        call_command("send_chair_waiting", stdout=open("/dev/null", "w"))
    (message,) = mailoutbox
    assert message.to == ["chair@example.org"]
    assert "Still waiting" in message.body and "Answered" not in message.body
    with committed():
        call_command("send_chair_waiting", stdout=open("/dev/null", "w"))
    assert len(mailoutbox) == 1


def test_a_member_elsewhere_is_not_told_of_this_partnerships_agenda(
    partnership, elsewhere, upcoming, mailoutbox, committed
):
    from meetings.notifications import agenda_published

    make_user("far", MEMBER, partnership=elsewhere)
    with committed():
        agenda_published(upcoming)
    assert mailoutbox == []


def test_cancelling_in_bulk_in_the_back_office_tells_everyone_registered(
    client, chair, member, upcoming, mailoutbox, committed
):
    from django.urls import reverse

    _register(upcoming, member.participant)
    client.force_login(chair)
    with committed():
        client.post(
            reverse("admin:meetings_meeting_changelist"),
            {"action": "mark_cancelled", "_selected_action": [upcoming.pk]},
        )
    upcoming.refresh_from_db()
    assert upcoming.status == Meeting.Status.CANCELLED
    (message,) = mailoutbox
    assert message.to == ["mina@example.org"] and message.subject == "Cancelled: Autumn forum"


def test_a_draft_meeting_tells_no_one_of_a_paper(partnership, member, upcoming, mailoutbox, committed):
    upcoming.published_at = None
    upcoming.save()
    with committed():
        Paper.objects.create(meeting=upcoming, title="Draft paper", url="https://example.org/draft")
    assert mailoutbox == []


def test_staff_messages_go_to_the_nearest_partnerships_staff(partnership, member, mailoutbox, committed):
    from engagement.roles import STAFF
    from tests.factories import make_partnership

    region = make_partnership(name="Region", slug="region", level="system")
    partnership.parent = region
    partnership.save()
    make_user("region-staff", STAFF, partnership=region)
    soon = make_meeting(partnership, start=timezone.now() + datetime.timedelta(days=2))
    with committed():
        services.register(
            soon, member.participant, status=Attendance.Status.REGISTERED, access_needs="Loop", share=True
        )
    # No staff of its own: the region's are told.
    assert to_one(mailoutbox, "region-staff@example.org")
    make_user("local-staff", STAFF, partnership=partnership)
    with committed():
        services.register(
            soon, member.participant, status=Attendance.Status.REGISTERED, access_needs="Ramp", share=True
        )
    assert to_one(mailoutbox, "local-staff@example.org")
    assert len(to_one(mailoutbox, "region-staff@example.org")) == 1


def test_someone_coming_in_person_to_a_hybrid_meeting_is_not_sent_the_link(member, upcoming, mailoutbox, committed):
    with committed():
        services.register(upcoming, member.participant, status=Attendance.Status.REGISTERED)
    (message,) = mailoutbox
    assert "Civic Suite, Catford" in message.body
    assert "https://meet.example.org/autumn" not in message.body


def test_the_partnerships_contact_is_in_every_message_as_far_as_it_has_one(
    partnership, member, upcoming, mailoutbox, committed
):
    partnership.contact_name = "Priya, engagement officer"  # a field another change may add: read if there
    partnership.contact_phone = "020 7946 0000"
    from engagement.notifications.services import contact_details

    details = contact_details(partnership)
    assert details == {
        "name": "Priya, engagement officer",
        "email": "hello@lewisham.example.org",
        "phone": "020 7946 0000",
    }
    with committed():
        services.register(upcoming, member.participant, status=Attendance.Status.REGISTERED)
    assert "Contact us: hello@lewisham.example.org" in mailoutbox[0].body  # as saved (no name or phone fields yet)
