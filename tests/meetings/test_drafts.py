"""Published agendas (issue 16): a draft appears nowhere public until the chair publishes it."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Meeting
from meetings.signals import meeting_published
from tests.factories import aware, make_item, make_meeting, make_partnership, page_text

pytestmark = pytest.mark.django_db

DRAFT_TITLE = "Secret draft agenda"


@pytest.fixture
def draft(partnership):
    meeting = make_meeting(partnership, title=DRAFT_TITLE, draft=True)
    make_item(meeting, title="Draft item")
    return meeting


def public_pages(partnership):
    return [
        reverse("home"),
        partnership.get_absolute_url(),
        reverse("meeting_list"),
        reverse("meeting_calendar"),
        reverse("meeting_calendar") + f"?partnership={partnership.slug}",
        reverse("you_said_we_did"),
    ]


def test_a_draft_is_on_no_public_page_or_feed(client, partnership, draft):
    for url in public_pages(partnership):
        response = client.get(url)
        assert response.status_code == 200, url
        assert DRAFT_TITLE not in response.content.decode(), url


@pytest.mark.parametrize("who", ["anonymous", "member", "finance", "elsewhere_chair"])
def test_a_drafts_pages_are_not_found_for_those_who_do_not_run_it(client_for, draft, who):
    client = client_for(who)
    for name in ("meeting_detail", "meeting_ics", "meeting_agenda_pdf"):
        assert client.get(reverse(name, args=[draft.pk])).status_code == 404, name


def test_the_office_sees_a_draft_marked_as_a_draft(client, chair, staff_user, draft):
    for user in (chair, staff_user):
        client.force_login(user)
        body = page_text(client.get(draft.get_absolute_url()))
        assert DRAFT_TITLE in body and "Draft" in body and "only the partnership's staff and chair" in body
    # Not even the office adds a draft to a calendar.
    assert client.get(reverse("meeting_ics", args=[draft.pk])).status_code == 404


def test_members_cannot_take_part_in_a_draft(client, member, draft):
    client.force_login(member)
    assert client.get(reverse("meeting_register", args=[draft.pk])).status_code == 404
    item = draft.agenda_items.get()
    assert client.post(reverse("send_views", args=[item.pk]), {"text": "Hello"}).status_code == 404


def test_publishing_shows_it_at_once_to_visitors_whose_page_was_cached(client, chair, partnership, draft, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    assert DRAFT_TITLE not in client.get(reverse("meeting_list")).content.decode()
    assert DRAFT_TITLE not in client.get(reverse("meeting_calendar")).content.decode()
    services.publish_meeting(draft, by=chair)
    assert DRAFT_TITLE in client.get(reverse("meeting_list")).content.decode()
    assert DRAFT_TITLE in client.get(reverse("meeting_calendar")).content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 200
    cache.clear()


def test_publish_is_idempotent_and_sends_the_signal_once(partnership, chair, draft, django_capture_on_commit_callbacks):
    sent = []

    def receiver(sender, meeting, by, **kwargs):
        sent.append((meeting.pk, by))

    meeting_published.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            meeting, first = services.publish_meeting(draft, by=chair)
        published_at = meeting.published_at
        with django_capture_on_commit_callbacks(execute=True):
            again, second = services.publish_meeting(draft, by=chair)
    finally:
        meeting_published.disconnect(receiver)
    assert (first, second) == (True, False)
    assert again.published_at == published_at
    assert sent == [(draft.pk, chair)]


def test_only_the_chair_publishes(staff_user, draft):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.publish_meeting(draft, by=staff_user)
    draft.refresh_from_db()
    assert draft.is_draft


def test_a_meeting_added_in_the_admin_starts_as_a_draft(client, chair, partnership):
    client.force_login(chair)
    start = timezone.localtime(timezone.now() + datetime.timedelta(days=20))
    response = client.post(
        reverse("admin:meetings_meeting_add"),
        {
            "partnership": partnership.pk,
            "title": "New from the admin",
            "start_0": start.strftime("%Y-%m-%d"),
            "start_1": "10:00:00",
            "end_0": start.strftime("%Y-%m-%d"),
            "end_1": "12:00:00",
            "status": "scheduled",
            "format": "in_person",
            "agenda_items-TOTAL_FORMS": "0",
            "agenda_items-INITIAL_FORMS": "0",
            "papers-TOTAL_FORMS": "0",
            "papers-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Meeting.objects.get(title="New from the admin").is_draft


def test_save_and_publish_on_the_change_page(client, chair, draft):
    client.force_login(chair)
    page = client.get(reverse("admin:meetings_meeting_change", args=[draft.pk]))
    assert 'name="_publish"' in page.content.decode()
    form = page.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None and not isinstance(value, list)}
    start, end = timezone.localtime(draft.start), timezone.localtime(draft.end)
    data.update(
        {
            "partnership": draft.partnership_id,
            "start_0": f"{start:%Y-%m-%d}",
            "start_1": f"{start:%H:%M:%S}",
            "end_0": f"{end:%Y-%m-%d}",
            "end_1": f"{end:%H:%M:%S}",
            "agenda_items-TOTAL_FORMS": "0",
            "agenda_items-INITIAL_FORMS": "0",
            "papers-TOTAL_FORMS": "0",
            "papers-INITIAL_FORMS": "0",
            "_publish": "Save and publish",
        }
    )
    data.pop("id", None)
    response = client.post(reverse("admin:meetings_meeting_change", args=[draft.pk]), data, follow=True)
    draft.refresh_from_db()
    assert not draft.is_draft, page_text(response)[:3000]
    assert "is published" in page_text(response)
    assert 'name="_publish"' not in response.content.decode()


def test_bulk_publish_and_the_draft_filter(client, chair, partnership, draft):
    other = make_meeting(partnership, title="Second draft", draft=True)
    client.force_login(chair)
    listing = client.get(reverse("admin:meetings_meeting_changelist") + "?published=draft")
    assert DRAFT_TITLE in listing.content.decode()
    client.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk, other.pk]},
    )
    assert not Meeting.objects.filter(pk__in=[draft.pk, other.pk], published_at__isnull=True).exists()


def test_a_draft_is_left_out_of_a_public_year_review_but_counted_for_staff(client, staff_user, finance, partnership):
    from meetings.models import YearReview
    from meetings.year_review import build_year_review

    make_meeting(partnership, start=aware(2023, 6, 1), status=Meeting.Status.HELD, title="Held and public")
    make_meeting(partnership, start=aware(2023, 7, 1), status=Meeting.Status.HELD, title=DRAFT_TITLE, draft=True)
    assert build_year_review(partnership, 2023).headline.meetings_held == 1
    assert build_year_review(partnership, 2023, include_drafts=True).headline.meetings_held == 2
    YearReview.objects.create(partnership=partnership, year=2023, status="final", is_public=True)
    url = reverse("year_review", args=[partnership.slug, 2023])
    assert client.get(url).context["report"].headline.meetings_held == 1
    client.force_login(staff_user)
    assert client.get(url).context["report"].headline.meetings_held == 2
    client.force_login(finance)  # reads reports, but drafts are for those who run meetings
    assert client.get(url).context["report"].headline.meetings_held == 1


def test_a_drafts_partnership_is_not_named_on_its_404(client, draft):
    elsewhere = make_partnership(name="Named Nowhere")
    hidden = make_meeting(elsewhere, title="x", draft=True)
    assert "Named Nowhere" not in client.get(reverse("meeting_detail", args=[hidden.pk])).content.decode()


@pytest.mark.parametrize("meetings", [2, 12])
def test_meeting_list_queries_do_not_grow_with_drafts(client, partnership, meetings, django_assert_max_num_queries):
    for n in range(meetings):
        make_meeting(partnership, draft=n % 2 == 0)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("meeting_list")).status_code == 200
