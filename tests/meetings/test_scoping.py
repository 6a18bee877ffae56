"""Meetings are scoped by partnership: a role in one partnership reaches nothing of another (issue 13).

Lewisham (``partnership`` and its people) against ``elsewhere`` (a sibling
partnership with the same roles, ``elsewhere_users``): staff pages are "not
found", the admin lists and edits only one's own partnerships, members-only
papers are for the meeting's partnership, and services refuse records made by
someone who does not run the meeting's partnership. A role in a partnership
covers the partnerships below it.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engagement.models import Partnership
from engagement.roles import CHAIR, MEMBER, STAFF
from meetings import selectors, services
from meetings.attendance_import import import_attendance
from meetings.forms import AttendanceChange
from meetings.models import AgendaItem, Attendance, Feedback, Meeting, Paper, Response, YearReview
from meetings.year_review import can_see_year_review
from tests.factories import attend, aware, make_item, make_meeting, make_participant, make_partnership, make_user

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    ("meeting_attendance", "meeting"),
    ("meeting_walk_in", "meeting"),
    ("meeting_attendance_import", "meeting"),
    ("meeting_sign_in_sheet", "meeting"),
    ("record_views", "item"),
    ("record_response", "item"),
]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def held(partnership, title):
    meeting = make_meeting(partnership, start=aware(2024, 5, 1), title=title, status=Meeting.Status.HELD)
    make_item(meeting, title=f"{title} item", is_business=True)
    return meeting


@pytest.fixture
def here(partnership):
    return held(partnership, "Lewisham meeting")


@pytest.fixture
def there(elsewhere):
    return held(elsewhere, "Elsewhere meeting")


@pytest.fixture
def place(elsewhere):
    """A place partnership below ``elsewhere`` (a system-level partnership)."""
    return make_partnership(
        name="Elsewhere Place", slug="elsewhere-place", level=Partnership.Level.PLACE, parent=elsewhere
    )


@pytest.fixture
def rows(here, there):
    """One of every meetings record in each partnership: {model: (Lewisham's, elsewhere's)}."""
    made = {Meeting: (here, there)}
    for model in (AgendaItem, Paper, Attendance, Feedback, Response, YearReview):
        made[model] = []
    for meeting in (here, there):
        item = meeting.agenda_items.get()
        person = make_participant(name=f"Person at {meeting.title}")
        made[AgendaItem].append(item)
        made[Paper].append(Paper.objects.create(meeting=meeting, title=f"{meeting.title} paper", url="https://e.org/p"))
        made[Attendance].append(attend(meeting, person))
        made[Feedback].append(Feedback.objects.create(agenda_item=item, participant=person, text="Views"))
        made[Response].append(
            Response.objects.create(
                agenda_item=item,
                what_we_did="Done",
                decided_by="Board",
                decided_on=datetime.date(2024, 6, 1),
                changed=Response.Changed.SERVICE,
            )
        )
        made[YearReview].append(YearReview.objects.create(partnership=meeting.partnership, year=2024))
    return {model: tuple(pair) for model, pair in made.items()}


def target(kind, meeting):
    return meeting if kind == "meeting" else meeting.agenda_items.get()


# --- Querysets ------------------------------------------------------------------------------------


def test_for_user_keeps_each_models_rows_to_the_users_partnerships(rows, staff_user, elsewhere_users):
    for model, (ours, theirs) in rows.items():
        assert list(model.objects.for_user(staff_user)) == [ours], model
        assert list(model.objects.for_user(elsewhere_users["elsewhere_staff"])) == [theirs], model
        assert not model.objects.for_user(elsewhere_users["elsewhere_member"]).exists(), model


def test_for_user_names_other_roles(rows, member):
    assert list(Meeting.objects.for_user(member, MEMBER)) == [rows[Meeting][0]]
    assert not Meeting.objects.for_user(member).exists()


# --- Staff pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kind"), STAFF_PAGES)
@pytest.mark.parametrize("who", ["elsewhere_staff", "elsewhere_chair"])
def test_staff_pages_of_another_partnership_are_not_found(client, elsewhere_users, here, name, kind, who):
    client.force_login(elsewhere_users[who])
    assert client.get(reverse(name, args=[target(kind, here).pk])).status_code == 404


@pytest.mark.parametrize(("name", "kind"), STAFF_PAGES)
def test_staff_pages_open_for_the_partnerships_own_staff(client, staff_user, here, name, kind):
    client.force_login(staff_user)
    response = client.get(reverse(name, args=[target(kind, here).pk]))
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(("name", "kind"), STAFF_PAGES)
def test_a_system_chair_reaches_a_place_partnerships_meeting(client, elsewhere_users, place, name, kind):
    meeting = held(place, "Place meeting")
    client.force_login(elsewhere_users["elsewhere_chair"])
    assert client.get(reverse(name, args=[target(kind, meeting).pk])).status_code in (200, 302)


def test_posting_attendance_for_another_partnership_changes_nothing(client, elsewhere_users, here):
    attendance = attend(here, make_participant(), status=Attendance.Status.REGISTERED)
    client.force_login(elsewhere_users["elsewhere_staff"])
    response = client.post(reverse("meeting_walk_in", args=[here.pk]), {"name": "Walk In", "mode": "in_person"})
    assert response.status_code == 404
    response = client.post(reverse("record_views", args=[here.agenda_items.get().pk]), {"text": "x"})
    assert response.status_code == 404
    assert Attendance.objects.filter(meeting=here).count() == 1
    attendance.refresh_from_db()
    assert attendance.status == Attendance.Status.REGISTERED
    assert not Feedback.objects.exists()


def test_reports_index_lists_only_partnerships_the_user_reports_on(client, partnership, elsewhere_users, finance, here):
    client.force_login(finance)
    listed = [p for p, _ in client.get(reverse("report_index")).context["listing"]]
    assert listed == [partnership]
    client.force_login(elsewhere_users["elsewhere_chair"])
    listed = [p for p, _ in client.get(reverse("report_index")).context["listing"]]
    assert partnership not in listed and listed == [Partnership.objects.get(slug="elsewhere")]


@pytest.mark.parametrize("fmt", ["", ".csv"])
def test_a_draft_year_review_is_for_its_own_partnerships_reporters(client, partnership, elsewhere_users, finance, fmt):
    YearReview.objects.create(partnership=partnership, year=2024)
    url = reverse("year_review", args=["lewisham", 2024]) if not fmt else f"/reports/year-review/lewisham/2024{fmt}"
    for who in ("elsewhere_staff", "elsewhere_chair", "elsewhere_finance"):
        client.force_login(elsewhere_users[who])
        assert client.get(url).status_code == 403, who
    client.force_login(finance)
    assert client.get(url).status_code == 200


def test_no_review_yet_is_a_draft_of_its_partnership(partnership, elsewhere_users, staff_user, member):
    assert can_see_year_review(staff_user, partnership)
    assert can_see_year_review(staff_user, None, partnership)
    assert not can_see_year_review(elsewhere_users["elsewhere_finance"], partnership)
    assert not can_see_year_review(member, partnership)
    review = YearReview.objects.create(partnership=partnership, year=2024)
    assert not can_see_year_review(elsewhere_users["elsewhere_chair"], review)
    review.status, review.is_public = YearReview.Status.FINAL, True
    assert can_see_year_review(elsewhere_users["elsewhere_member"], review)


def test_year_review_page_links_to_the_admin_only_for_the_partnerships_office(client, partnership, elsewhere, users):
    for p in (partnership, elsewhere):
        YearReview.objects.create(partnership=p, year=2024, status=YearReview.Status.FINAL, is_public=True)
    client.force_login(users["elsewhere_staff"])
    page = client.get(reverse("year_review", args=["lewisham", 2024]))
    assert page.status_code == 200
    assert "Edit the narrative" not in page.content.decode()
    assert f'breadcrumb-item"><a href="{reverse("report_index")}"' not in page.content.decode()
    page = client.get(reverse("year_review", args=["elsewhere", 2024]))
    assert "Edit the narrative" in page.content.decode()


# --- Members-only papers and the agenda page ------------------------------------------------------


@pytest.fixture
def members_paper(here):
    return Paper.objects.create(
        meeting=here, title="Budget for members", url="https://example.org/b.pdf", visibility=Paper.Visibility.MEMBERS
    )


def test_members_only_paper_is_for_the_meetings_partnership(client, members_paper, member, elsewhere_users):
    url = reverse("paper_download", args=[members_paper.pk])
    assert client.get(url).status_code == 302 and "login" in client.get(url)["Location"]
    client.force_login(member)
    assert client.get(url)["Location"] == "https://example.org/b.pdf"
    for who in ("elsewhere_member", "elsewhere_staff", "elsewhere_chair", "elsewhere_finance"):
        client.force_login(elsewhere_users[who])
        assert client.get(url).status_code == 403, who


def test_a_member_of_a_parent_partnership_reads_a_place_meetings_papers(client, place, elsewhere_users):
    paper = Paper.objects.create(
        meeting=held(place, "Place"), title="P", url="https://example.org/p.pdf", visibility=Paper.Visibility.MEMBERS
    )
    client.force_login(elsewhere_users["elsewhere_member"])
    assert client.get(reverse("paper_download", args=[paper.pk])).status_code == 302


def test_agenda_links_only_to_what_the_reader_may_open(client, here, members_paper, staff_user, elsewhere_users):
    item = here.agenda_items.get()
    paper_url = reverse("paper_download", args=[members_paper.pk])
    staff_urls = [reverse("meeting_attendance", args=[here.pk]), reverse("record_views", args=[item.pk])]
    for who in ("elsewhere_member", "elsewhere_staff", "elsewhere_chair"):
        client.force_login(elsewhere_users[who])
        body = client.get(here.get_absolute_url()).content.decode()
        assert paper_url not in body, who
        assert not any(url in body for url in staff_urls), who
        assert reverse("meeting_register", args=[here.pk]) not in body, who
    client.force_login(staff_user)
    body = client.get(here.get_absolute_url()).content.decode()
    assert paper_url in body and all(url in body for url in staff_urls)


def test_agenda_pdf_lists_members_papers_for_the_partnerships_members_only(
    here, members_paper, member, elsewhere_users
):
    from meetings.views.feeds import agenda_pack_context

    meeting = Meeting.objects.for_agenda().get(pk=here.pk)
    assert agenda_pack_context(meeting, member, str)["papers"] == [members_paper]
    assert agenda_pack_context(meeting, elsewhere_users["elsewhere_member"], str)["papers"] == []


def test_taking_part_is_for_the_meetings_partnership(client, partnership, elsewhere_users, member):
    meeting = make_meeting(partnership, title="Coming up")
    item = make_item(meeting, is_business=True)
    client.force_login(elsewhere_users["elsewhere_member"])
    assert client.get(reverse("meeting_register", args=[meeting.pk])).status_code == 403
    posted = client.post(reverse("meeting_register", args=[meeting.pk]), {"attending": "in_person"})
    assert posted.status_code == 403
    assert client.post(reverse("send_views", args=[item.pk]), {"text": "My view"}).status_code == 403
    assert not Attendance.objects.exists() and not Feedback.objects.exists()
    client.force_login(member)
    assert client.get(reverse("meeting_register", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("send_views", args=[item.pk])).status_code == 200


def test_my_views_lists_views_across_partnerships(client, member, here, there):
    Membership = member.memberships.model
    Membership.objects.create(user=member, partnership=there.partnership, role=MEMBER)
    person = member.participant
    for meeting in (here, there):
        Feedback.objects.create(agenda_item=meeting.agenda_items.get(), participant=person, text=f"On {meeting.title}")
    client.force_login(member)
    body = client.get(reverse("my_views")).content.decode()
    assert "On Lewisham meeting" in body and "On Elsewhere meeting" in body


def test_views_staff_read_are_their_partnerships_and_their_own(rows, staff_user, elsewhere_users):
    assert list(selectors.feedback_visible_to(staff_user)) == [rows[Feedback][0]]
    assert list(selectors.feedback_visible_to(elsewhere_users["elsewhere_chair"])) == [rows[Feedback][1]]
    assert not selectors.feedback_visible_to(elsewhere_users["elsewhere_member"]).exists()


def test_waiting_too_long_panel_shows_only_the_partnerships_one_runs(rf, here, there, staff_user):
    AgendaItem.objects.update(feedback_status=AgendaItem.FeedbackStatus.NEED_FEEDBACK)
    request = rf.get("/admin/")
    request.user = staff_user
    template = Template(
        "{% load participation_admin %}{% waiting_too_long as o %}{% for i in o.items %}{{ i.title }};{% endfor %}"
    )
    shown = template.render(Context({"request": request}))
    assert "Lewisham meeting item" in shown and "Elsewhere meeting item" not in shown


# --- Services ------------------------------------------------------------------------------------


def test_services_refuse_records_by_someone_who_does_not_run_the_partnership(here, elsewhere_users, staff_user):
    outsider = elsewhere_users["elsewhere_chair"]
    item = here.agenda_items.get()
    person = make_participant()
    with pytest.raises(PermissionDenied):
        services.record_walk_in(here, person, mode=Attendance.Mode.IN_PERSON, by=outsider)
    with pytest.raises(PermissionDenied):
        services.send_views(item, person, "Views", channel=Feedback.Channel.EMAIL, recorded_by=outsider)
    response = Response(what_we_did="x", decided_by="y", decided_on=datetime.date(2024, 6, 1), changed="service")
    with pytest.raises(PermissionDenied):
        services.record_response(item, response, recorded_by=outsider)
    attendance = attend(here, person, status=Attendance.Status.REGISTERED)
    change = AttendanceChange(attendance, Attendance.Status.ATTENDED, Attendance.Mode.IN_PERSON, False)
    with pytest.raises(PermissionDenied):
        services.save_attendance_changes([change], by=outsider)
    with pytest.raises(PermissionDenied):
        import_attendance(here, b"name,email,organisation,mode,staff\nAl,al@example.org,,in person,\n", by=outsider)
    assert not Feedback.objects.exists() and not Response.objects.exists()
    attendance.refresh_from_db()
    assert attendance.status == Attendance.Status.REGISTERED and Attendance.objects.count() == 1
    # The partnership's own staff may.
    assert services.save_attendance_changes([change], by=staff_user) == 1
    assert services.send_views(item, person, "Views", recorded_by=staff_user)[1]


# --- The admin -----------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Meeting, AgendaItem, Paper, Attendance, Feedback, Response, YearReview])
def test_admin_lists_only_the_users_partnerships(client, rows, chair, elsewhere_users, model):
    ours, theirs = rows[model]
    client.force_login(chair)
    shown = list(client.get(admin_url(model, "changelist")).context["cl"].result_list)
    assert shown == [ours]
    client.force_login(elsewhere_users["elsewhere_staff"])
    shown = list(client.get(admin_url(model, "changelist")).context["cl"].result_list)
    assert shown == [theirs]


@pytest.mark.parametrize("model", [Meeting, AgendaItem, Paper, Attendance, Feedback, Response, YearReview])
def test_admin_change_and_delete_of_another_partnerships_record_refused(client, rows, chair, model):
    theirs = rows[model][1]
    client.force_login(chair)
    for view in ("change", "delete"):
        response = client.get(admin_url(model, view, theirs.pk))
        assert response.status_code in (302, 403, 404), view
        assert response.status_code != 302 or response["Location"] == reverse("admin:index")
    client.post(admin_url(model, "delete", theirs.pk), {"post": "yes"})
    assert model.objects.filter(pk=theirs.pk).exists()
    assert client.get(admin_url(model, "history", theirs.pk)).status_code in (302, 403, 404)


def test_admin_actions_act_only_on_the_users_partnerships(client, here, there, chair):
    client.force_login(chair)
    for meeting in (here, there):
        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.SCHEDULED)
    client.post(admin_url(Meeting, "changelist"), {"action": "mark_cancelled", "_selected_action": [here.pk, there.pk]})
    assert Meeting.objects.get(pk=here.pk).status == Meeting.Status.CANCELLED
    assert Meeting.objects.get(pk=there.pk).status == Meeting.Status.SCHEDULED


def test_admin_add_forms_offer_only_the_users_partnerships_and_meetings(client, partnership, here, there, chair):
    client.force_login(chair)
    form = client.get(admin_url(Meeting, "add")).context["adminform"].form
    assert list(form.fields["partnership"].queryset) == [partnership]
    form = client.get(admin_url(AgendaItem, "add")).context["adminform"].form
    assert list(form.fields["meeting"].queryset) == [here]
    form = client.get(admin_url(Paper, "add")).context["adminform"].form
    assert list(form.fields["meeting"].queryset) == [here]
    assert list(form.fields["agenda_item"].queryset) == [here.agenda_items.get()]


def test_admin_refuses_an_agenda_item_posted_into_another_partnerships_meeting(client, here, there, chair):
    client.force_login(chair)
    response = client.post(
        admin_url(AgendaItem, "add"),
        {"meeting": there.pk, "order": 5, "title": "Sneaked in", "feedback_status": "none"},
    )
    assert response.status_code in (200, 403)
    assert not AgendaItem.objects.filter(title="Sneaked in").exists()


def test_a_system_chair_sees_a_place_partnerships_meetings_in_the_admin(client, place, elsewhere_users, here):
    meeting = held(place, "Place meeting")
    client.force_login(elsewhere_users["elsewhere_chair"])
    shown = list(client.get(admin_url(Meeting, "changelist")).context["cl"].result_list)
    assert meeting in shown and here not in shown
    assert client.get(admin_url(Meeting, "change", meeting.pk)).status_code == 200


def test_finance_reads_its_partnerships_meetings_and_attendance_but_not_access_needs(client, rows, finance):
    Attendance.objects.update(access_needs="Step-free access", share_access_needs=True)
    client.force_login(finance)
    for model in (Meeting, Attendance):
        assert list(client.get(admin_url(model, "changelist")).context["cl"].result_list) == [rows[model][0]]
    page = client.get(admin_url(Meeting, "change", rows[Meeting][0].pk))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert "Step-free access" not in client.get(admin_url(Attendance, "changelist")).content.decode()
    assert client.get(admin_url(Meeting, "change", rows[Meeting][1].pk)).status_code == 302


def test_access_needs_only_for_the_meetings_own_office(client, rows, elsewhere, staff_user):
    Attendance.objects.update(access_needs="Step-free access", share_access_needs=True)
    # Staff here, finance there: reads elsewhere's attendance but not its access needs.
    make_membership = staff_user.memberships.model.objects.create
    make_membership(user=staff_user, partnership=elsewhere, role="finance")
    client.force_login(staff_user)
    page = client.get(admin_url(Attendance, "changelist"))
    assert set(page.context["cl"].result_list) == set(rows[Attendance])
    assert page.content.decode().count("Step-free access") == 1
    sheet = client.post(
        admin_url(Attendance, "changelist"),
        {"action": "export_sign_in_sheet", "_selected_action": [a.pk for a in rows[Attendance]]},
    )
    assert sheet.content.decode().count("Step-free access") == 1


def test_participants_admin_shows_people_of_the_partnerships_one_runs(
    client, rows, staff_user, member, elsewhere_users
):
    ours, theirs = (attendance.participant for attendance in rows[Attendance])
    client.force_login(staff_user)
    shown = set(client.get(reverse("admin:engagement_participant_changelist")).context["cl"].result_list)
    assert ours in shown and member.participant in shown
    assert theirs not in shown and elsewhere_users["elsewhere_member"].participant not in shown
    response = client.get(reverse("admin:engagement_participant_change", args=[theirs.pk]))
    assert response.status_code in (302, 403, 404)
    assert client.get(reverse("admin:engagement_participant_change", args=[ours.pk])).status_code == 200


def test_only_the_reviews_own_chair_publishes_it(client, rows, chair, elsewhere):
    ours, theirs = rows[YearReview]
    # Chair of Lewisham and staff elsewhere: may edit elsewhere's review, not publish it.
    chair.memberships.model.objects.create(user=chair, partnership=elsewhere, role=STAFF)
    client.force_login(chair)
    assert "is_public" in client.get(admin_url(YearReview, "change", ours.pk)).context["adminform"].form.fields
    page = client.get(admin_url(YearReview, "change", theirs.pk))
    assert page.status_code == 200 and "is_public" not in page.context["adminform"].form.fields


# --- Query counts ---------------------------------------------------------------------------------


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_query_counts_stay_flat_however_many_partnerships_and_meetings(client, partnership, chair):
    here = held(partnership, "Counted")
    urls = [
        reverse("meeting_attendance", args=[here.pk]),
        here.get_absolute_url(),
        reverse("report_index"),
        admin_url(Meeting, "changelist"),
        admin_url(Attendance, "changelist"),
        reverse("admin:engagement_participant_changelist"),
    ]
    client.force_login(chair)
    before = [queries(client, url) for url in urls]
    for n in range(5):
        other = make_partnership(name=f"Other {n}", slug=f"other-{n}", parent=partnership)
        attend(held(other, f"Other {n}"), make_participant())
        attend(here, make_participant())
        make_user(f"other-chair-{n}", CHAIR, partnership=other)
    after = [queries(client, url) for url in urls]
    assert after == before


@pytest.fixture
def rf():
    return RequestFactory()


def test_a_new_review_is_made_public_only_by_its_partnerships_chair(client, chair, elsewhere):
    chair.memberships.model.objects.create(user=chair, partnership=elsewhere, role=STAFF)
    client.force_login(chair)
    data = {"partnership": elsewhere.pk, "year": 2024, "status": "final", "is_public": "on"}
    for field in ("went_well", "challenges", "learnt", "ideas"):
        data[field] = ""
    response = client.post(admin_url(YearReview, "add"), data)
    assert response.status_code == 403
    assert not YearReview.objects.filter(partnership=elsewhere, is_public=True).exists()
    data["partnership"] = Partnership.objects.get(slug="lewisham").pk
    assert client.post(admin_url(YearReview, "add"), data).status_code == 302
    assert YearReview.objects.get(year=2024, partnership__slug="lewisham").is_public


@pytest.mark.parametrize(
    "model", ["meeting", "agendaitem", "paper", "attendance", "feedback", "response", "yearreview"]
)
def test_the_admin_partnership_filter_offers_only_the_users_partnerships(client, partnership, elsewhere, chair, model):
    """Each meetings list's "By partnership" filter lists the partnerships one may see, not the region's."""
    # A place below the chair's partnership: two to choose from, so Django shows the filter at all.
    below = make_partnership(name="Below Neighbourhood", slug="below", level=Partnership.Level.NEIGHBOURHOOD)
    below.parent = partnership
    below.save()
    client.force_login(chair)
    response = client.get(reverse(f"admin:meetings_{model}_changelist"))
    assert response.status_code == 200
    choices = {
        choice["display"]
        for spec in response.context["cl"].filter_specs
        for choice in spec.choices(response.context["cl"])
    }
    assert {partnership.name, below.name} <= choices
    assert elsewhere.name not in choices


def test_recording_views_offers_only_our_people_and_refuses_a_forged_one(client, staff_user, here, there):
    item = here.agenda_items.get()
    ours = make_participant(name="Our Regular")
    attend(here, ours, status=Attendance.Status.ATTENDED)
    theirs = make_participant(name="Their Regular")
    attend(there, theirs, status=Attendance.Status.ATTENDED)
    nobody = make_participant(name="Known To Nobody")  # at no meeting, member of nothing: anyone in the region
    client.force_login(staff_user)
    page = client.get(reverse("record_views", args=[item.pk]))
    assert set(page.context["form"].fields["participant"].queryset) == {ours}
    assert "Their Regular" not in page.content.decode()
    data = {"participant": theirs.pk, "channel": Feedback.Channel.EMAIL, "text": "Forged"}
    response = client.post(reverse("record_views", args=[item.pk]), data)
    assert response.status_code == 200 and "participant" in response.context["form"].errors
    assert not Feedback.objects.exists()
    response = client.post(reverse("record_views", args=[item.pk]), {**data, "participant": nobody.pk})
    assert "participant" in response.context["form"].errors
    response = client.post(reverse("record_views", args=[item.pk]), {**data, "participant": ours.pk})
    assert response.status_code == 302 and Feedback.objects.get().participant == ours
