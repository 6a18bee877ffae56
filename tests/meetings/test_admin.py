"""The chair's back office for meetings, agendas and papers (Django admin)."""

import datetime

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from meetings.models import AgendaItem, Meeting, Paper
from tests.factories import attend, aware, make_item, make_meeting, make_participant, page_text

ADMIN_APPS = ("engagement", "meetings")
REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in ADMIN_APPS),
    key=lambda model: model._meta.label,
)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def submitted_form(response):
    """The change form's data as a browser would send it back unchanged: main form and every inline."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            key = form.add_prefix(name)
            value = form[name].value()
            widget = getattr(field.widget, "widget", field.widget)
            if hasattr(widget, "widgets"):  # a split date and time
                for index, part in enumerate(widget.decompress(value)):
                    if part is not None:
                        data[f"{key}_{index}"] = part.isoformat()
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif value is not None and not hasattr(value, "url") and value != "":
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.initial_forms:
            add(form)
    return data


def add_inline_item(data, **fields):
    """Append a new agenda item to the submitted form."""
    index = int(data["agenda_items-TOTAL_FORMS"])
    data["agenda_items-TOTAL_FORMS"] = str(index + 1)
    data.setdefault("agenda_items-INITIAL_FORMS", "0")
    fields.setdefault("feedback_status", "none")
    fields.setdefault("is_business", "on")
    for name, value in fields.items():
        data[f"agenda_items-{index}-{name}"] = value
    return data


def form_errors(response):
    """Every error message on the admin page: main form and inlines."""
    messages = []
    if response.context is None:
        return messages
    messages += [str(e) for errors in response.context["adminform"].form.errors.values() for e in errors]
    for inline in response.context["inline_admin_formsets"]:
        messages += [str(e) for e in inline.formset.non_form_errors()]
        for errors in inline.formset.errors:
            messages += [str(e) for field_errors in errors.values() for e in field_errors]
    return messages


@pytest.fixture
def chair_client(client, chair):
    client.force_login(chair)
    return client


@pytest.fixture
def agenda(partnership, ladder):
    """A 10.00–12.00 meeting with three numbered items."""
    meeting = make_meeting(partnership, start=aware(2024, 4, 23, 10, 0), title="Year 1 Review")
    items = [
        make_item(meeting, order=1, title="Arrivals", start_time=datetime.time(9, 45), duration_minutes=15),
        make_item(meeting, order=2, title="Presentation", start_time=datetime.time(10, 0), duration_minutes=30),
        make_item(meeting, order=3, title="Discussion", start_time=datetime.time(10, 30), duration_minutes=60),
    ]
    return meeting, items


# --- Every page opens ---------------------------------------------------------------------------


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_chair_opens_changelist_add_and_change_page_of_every_model(chair_client, chair, demo_data, model):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = chair

    assert chair_client.get(admin_url(model, "changelist")).status_code == 200
    assert chair_client.get(admin_url(model, "changelist"), {"q": "Lewisham"}).status_code == 200

    add_page = chair_client.get(admin_url(model, "add"))
    assert add_page.status_code == (200 if model_admin.has_add_permission(request) else 403)

    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the demo data has no {model._meta.verbose_name} to open"
    assert chair_client.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_every_changelist_filter_choice_opens(chair_client, demo_data):
    """Each list filter's choices (e.g. upcoming/past) give a page, never an error."""
    for model in REGISTERED:
        response = chair_client.get(admin_url(model, "changelist"))
        for spec in response.context["cl"].filter_specs:
            for choice in spec.choices(response.context["cl"]):
                assert chair_client.get(admin_url(model, "changelist") + choice["query_string"]).status_code == 200


@pytest.mark.parametrize(
    "role, changelist, add",
    [
        ("anonymous", 302, 302),
        ("member", 302, 302),
        ("other_member", 302, 302),
        ("staff", 200, 403),
        ("chair", 200, 200),
        ("finance", 200, 403),
    ],
)
def test_meeting_admin_permission_matrix(client_for, role, changelist, add, meeting):
    client = client_for(role)
    assert client.get(admin_url(Meeting, "changelist")).status_code == changelist
    assert client.get(admin_url(Meeting, "add")).status_code == add


@pytest.mark.parametrize("count", [5, 50])
def test_meeting_changelist_query_count_does_not_grow(chair_client, django_assert_max_num_queries, partnership, count):
    person = make_participant()
    for day in range(count):
        meeting = make_meeting(partnership, start=aware(2024, 1, 1) + datetime.timedelta(days=day))
        make_item(meeting)
        attend(meeting, person)
    with django_assert_max_num_queries(15):
        response = chair_client.get(admin_url(Meeting, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == count


@pytest.mark.parametrize("count", [5, 50])
def test_agenda_item_and_paper_changelists_query_count_does_not_grow(
    chair_client, django_assert_max_num_queries, partnership, count
):
    for day in range(count):
        meeting = make_meeting(partnership, start=aware(2024, 1, 1) + datetime.timedelta(days=day))
        item = make_item(meeting)
        Paper.objects.create(meeting=meeting, agenda_item=item, title="Paper", url="https://example.org/p.pdf")
    for model in (AgendaItem, Paper):
        with django_assert_max_num_queries(15):
            assert chair_client.get(admin_url(model, "changelist")).status_code == 200


# --- Lists: upcoming / past, search, counts ---------------------------------------------------


def test_upcoming_and_past_filter(chair_client, meeting, held_meeting):
    upcoming = chair_client.get(admin_url(Meeting, "changelist"), {"when": "upcoming"})
    past = chair_client.get(admin_url(Meeting, "changelist"), {"when": "past"})
    assert list(upcoming.context["cl"].result_list) == [meeting]
    assert list(past.context["cl"].result_list) == [held_meeting]


def test_agenda_items_can_be_filtered_by_their_meeting_being_upcoming(chair_client, meeting, held_meeting):
    upcoming_item = make_item(meeting, title="Coming up")
    response = chair_client.get(admin_url(AgendaItem, "changelist"), {"when": "upcoming"})
    assert list(response.context["cl"].result_list) == [upcoming_item]


def test_search_finds_a_meeting_by_agenda_item_title_once(chair_client, partnership, held_meeting):
    make_item(held_meeting, title="Community space follow-up")
    make_meeting(partnership, title="Unrelated")
    response = chair_client.get(admin_url(Meeting, "changelist"), {"q": "community space"})
    assert list(response.context["cl"].result_list) == [held_meeting]


def test_changelist_shows_counts_and_links_to_agenda_and_pdf(chair_client, held_meeting):
    attend(held_meeting, make_participant())
    attend(held_meeting, make_participant(is_system_staff=True))
    response = chair_client.get(admin_url(Meeting, "changelist"))
    row = response.context["cl"].result_list[0]
    assert (row._items, row._attendees) == (1, 1)
    body = page_text(response)
    assert f'href="/meetings/{held_meeting.pk}/"' in body
    assert f'href="/meetings/{held_meeting.pk}/agenda.pdf"' in body


def test_date_hierarchy_by_year(chair_client, meeting, held_meeting):
    response = chair_client.get(admin_url(Meeting, "changelist"), {"start__year": 2023})
    assert list(response.context["cl"].result_list) == [held_meeting]


def test_cancel_action_marks_meetings_cancelled_and_touches_them_for_calendars(chair_client, meeting):
    before = meeting.updated_at
    response = chair_client.post(
        admin_url(Meeting, "changelist"),
        {"action": "mark_cancelled", "_selected_action": [meeting.pk]},
        follow=True,
    )
    assert "1 meeting(s) cancelled" in page_text(response)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert meeting.updated_at > before


def test_staff_who_may_change_meetings_can_mark_them_held(client, staff_user, meeting):
    client.force_login(staff_user)
    client.post(admin_url(Meeting, "changelist"), {"action": "mark_held", "_selected_action": [meeting.pk]})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD


def test_finance_with_view_only_cannot_run_actions(client, finance, meeting):
    client.force_login(finance)
    client.post(admin_url(Meeting, "changelist"), {"action": "mark_cancelled", "_selected_action": [meeting.pk]})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED


# --- Saving a meeting and its agenda --------------------------------------------------------------


def test_chair_adds_a_meeting_with_its_agenda(chair_client, partnership, ladder):
    response = chair_client.get(admin_url(Meeting, "add"))
    data = submitted_form(response)
    data.update(
        {
            "partnership": partnership.pk,
            "title": "Summer meeting",
            "start_0": "2027-06-16",
            "start_1": "10:00:00",
            "end_0": "2027-06-16",
            "end_1": "12:00:00",
            "status": "scheduled",
            "format": "hybrid",
            "venue": "Civic Suite",
            "online_link": "https://meet.example.org/summer",
        }
    )
    add_inline_item(data, order="0", title="Welcome", start_time="10:00", duration_minutes="15")
    add_inline_item(
        data,
        order="0",
        title="Priorities",
        start_time="10:15",
        duration_minutes="45",
        engagement_type=str(ladder["Involving"].pk),
    )
    response = chair_client.post(admin_url(Meeting, "add"), data)
    assert response.status_code == 302, form_errors(response)
    meeting = Meeting.objects.get(title="Summer meeting")
    # New items left at 0 are numbered in the order they were typed.
    assert list(meeting.agenda_items.values_list("order", "title")) == [(1, "Welcome"), (2, "Priorities")]
    assert timezone.localtime(meeting.start).hour == 10


def test_meeting_ending_before_it_starts_shows_a_clear_error(chair_client, agenda):
    meeting, _ = agenda
    data = submitted_form(chair_client.get(admin_url(Meeting, "change", meeting.pk)))
    data.update({"end_0": "2024-04-23", "end_1": "09:00:00"})
    response = chair_client.post(admin_url(Meeting, "change", meeting.pk), data)
    assert response.status_code == 200
    assert "The meeting must end after it starts." in form_errors(response)
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.end).hour == 12


def test_agenda_item_outside_the_meeting_shows_a_clear_error(chair_client, agenda):
    meeting, _ = agenda
    data = submitted_form(chair_client.get(admin_url(Meeting, "change", meeting.pk)))
    add_inline_item(data, order="4", title="Afternoon session", start_time="14:00", duration_minutes="30")
    response = chair_client.post(admin_url(Meeting, "change", meeting.pk), data)
    assert response.status_code == 200
    assert "This time is outside the meeting (10:00–12:00)." in form_errors(response)
    assert not meeting.agenda_items.filter(title="Afternoon session").exists()


def test_agenda_item_running_past_the_end_shows_a_clear_error(chair_client, agenda):
    meeting, _ = agenda
    data = submitted_form(chair_client.get(admin_url(Meeting, "change", meeting.pk)))
    add_inline_item(data, order="4", title="Long debate", start_time="11:30", duration_minutes="60")
    response = chair_client.post(admin_url(Meeting, "change", meeting.pk), data)
    assert "This item would run past the end of the meeting (12:00)." in form_errors(response)


def test_items_are_checked_against_the_meeting_times_being_saved(chair_client, agenda):
    """Moving the meeting earlier leaves the existing items outside it: the chair is told, nothing is saved."""
    meeting, _ = agenda
    data = submitted_form(chair_client.get(admin_url(Meeting, "change", meeting.pk)))
    data.update({"start_1": "08:00:00", "end_1": "09:00:00"})
    response = chair_client.post(admin_url(Meeting, "change", meeting.pk), data)
    assert response.status_code == 200
    assert "This time is outside the meeting (08:00–09:00)." in form_errors(response)
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.start).hour == 10


def test_two_items_can_swap_places_in_one_save(chair_client, agenda):
    meeting, (arrivals, presentation, discussion) = agenda
    data = submitted_form(chair_client.get(admin_url(Meeting, "change", meeting.pk)))
    forms = {
        data[key]: key.rsplit("-", 1)[0] for key in data if key.startswith("agenda_items-") and key.endswith("-id")
    }
    data[f"{forms[str(presentation.pk)]}-order"] = "3"
    data[f"{forms[str(discussion.pk)]}-order"] = "2"
    response = chair_client.post(admin_url(Meeting, "change", meeting.pk), data)
    assert response.status_code == 302, form_errors(response)
    assert list(meeting.agenda_items.order_by("order").values_list("title", flat=True)) == [
        "Arrivals",
        "Discussion",
        "Presentation",
    ]


def test_deleting_an_item_frees_its_number_for_another(chair_client, agenda):
    meeting, (arrivals, presentation, discussion) = agenda
    data = submitted_form(chair_client.get(admin_url(Meeting, "change", meeting.pk)))
    forms = {
        data[key]: key.rsplit("-", 1)[0] for key in data if key.startswith("agenda_items-") and key.endswith("-id")
    }
    data[f"{forms[str(presentation.pk)]}-DELETE"] = "on"
    data[f"{forms[str(discussion.pk)]}-order"] = "2"
    response = chair_client.post(admin_url(Meeting, "change", meeting.pk), data)
    assert response.status_code == 302, form_errors(response)
    assert list(meeting.agenda_items.values_list("order", "title")) == [(1, "Arrivals"), (2, "Discussion")]


def test_two_items_with_one_number_get_a_clear_error(chair_client, agenda):
    meeting, (arrivals, presentation, discussion) = agenda
    data = submitted_form(chair_client.get(admin_url(Meeting, "change", meeting.pk)))
    forms = {
        data[key]: key.rsplit("-", 1)[0] for key in data if key.startswith("agenda_items-") and key.endswith("-id")
    }
    data[f"{forms[str(discussion.pk)]}-order"] = "2"
    response = chair_client.post(admin_url(Meeting, "change", meeting.pk), data)
    assert response.status_code == 200
    assert "Number 2 is already used by “Presentation”. Give each item its own number." in form_errors(response)
    assert AgendaItem.objects.get(pk=discussion.pk).order == 3


def test_inline_items_are_shown_in_agenda_order(chair_client, partnership):
    meeting = make_meeting(partnership, start=aware(2024, 4, 23, 10, 0))
    make_item(meeting, order=2, title="Second")
    make_item(meeting, order=1, title="First")
    response = chair_client.get(admin_url(Meeting, "change", meeting.pk))
    agenda_inline = next(i for i in response.context["inline_admin_formsets"] if i.formset.prefix == "agenda_items")
    assert [form.instance.title for form in agenda_inline.formset.initial_forms] == ["First", "Second"]


def test_engagement_type_choices_show_the_promise(chair_client, agenda):
    meeting, _ = agenda
    body = page_text(chair_client.get(admin_url(Meeting, "change", meeting.pk)))
    assert "Informing – We will keep you informed." in body


def test_standalone_agenda_item_form_checks_the_meeting_times(chair_client, agenda):
    meeting, _ = agenda
    response = chair_client.post(
        admin_url(AgendaItem, "add"),
        {
            "meeting": meeting.pk,
            "order": "9",
            "title": "Late item",
            "start_time": "18:00",
            "feedback_status": "none",
            "is_business": "on",
        },
    )
    assert response.status_code == 200
    assert "This time is outside the meeting (10:00–12:00)." in response.context["adminform"].form.errors["start_time"]


# --- Papers -----------------------------------------------------------------------------------


def test_paper_upload_is_checked_by_content(chair_client, meeting):
    fake = SimpleUploadedFile("agenda.pdf", b"this is not a pdf at all", content_type="application/pdf")
    response = chair_client.post(
        admin_url(Paper, "add"),
        {"meeting": meeting.pk, "title": "Agenda", "file": fake, "visibility": "public", "order": "0"},
    )
    assert response.status_code == 200
    assert "This file is not a PDF, JPEG or PNG." in " ".join(response.context["adminform"].form.errors["file"])
    assert not Paper.objects.exists()


def test_real_pdf_paper_is_stored_under_a_random_name(chair_client, meeting, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("My secret name.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    response = chair_client.post(
        admin_url(Paper, "add"),
        {"meeting": meeting.pk, "title": "Agenda", "file": pdf, "visibility": "public", "order": "0"},
    )
    assert response.status_code == 302
    paper = Paper.objects.get()
    assert paper.file.name.startswith("papers/") and paper.file.name.endswith(".pdf")
    assert "secret" not in paper.file.name


def test_paper_must_be_linked_to_an_item_of_its_own_meeting(chair_client, agenda, partnership):
    meeting, _ = agenda
    elsewhere = make_item(make_meeting(partnership), title="Elsewhere")
    response = chair_client.post(
        admin_url(Paper, "add"),
        {
            "meeting": meeting.pk,
            "agenda_item": elsewhere.pk,
            "title": "Misfiled",
            "url": "https://example.org/p.pdf",
            "visibility": "public",
            "order": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["agenda_item"] == ["Choose an item on this paper's own meeting."]


def test_paper_without_file_or_link_gets_a_clear_error(chair_client, meeting):
    response = chair_client.post(
        admin_url(Paper, "add"), {"meeting": meeting.pk, "title": "Nothing", "visibility": "public", "order": "0"}
    )
    assert response.status_code == 200
    assert "Attach a file or give a link." in page_text(response)
