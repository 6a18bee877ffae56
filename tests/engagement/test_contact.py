"""A partnership's contact details: kept by the chair, shown wherever people need to ask (issue 14).

The partnership page, every agenda and agenda pack, the claim pages and the
accessibility statement say whom to ask, with working mailto:/tel: links; a
partnership without a contact says so and never shows an empty link.
"""

import datetime
import html
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from engagement.models import Partnership
from meetings.models import Meeting
from tests.factories import aware, make_item, make_meeting, make_partnership, make_user, page_text

pytestmark = pytest.mark.django_db

CONTACT = {
    "contact_name": "Anne Hooper, Chair",
    "contact_email": "lpp@example.org",
    "contact_phone": "+44 (0)20 7946 0000",
    "contact_address": "Civic Suite\nCatford Road\nLondon SE6 9SE",
}


@pytest.fixture
def with_contact(partnership):
    for name, value in CONTACT.items():
        setattr(partnership, name, value)
    partnership.save()
    return partnership


def contact_block(response):
    """The ``<address>`` that shows the contact (the first one on the page)."""
    found = re.search(r'<address class="partnership-contact">(.*?)</address>', response.content.decode(), re.S)
    assert found, "no contact on the page"
    return html.unescape(found.group(1))


def assert_full_contact(block):
    assert "Anne Hooper, Chair" in block
    assert '<a href="mailto:lpp@example.org">lpp@example.org</a>' in block
    assert '<a href="tel:+442079460000">+44 (0)20 7946 0000</a>' in block
    assert "Civic Suite<br>" in block and "London SE6 9SE" in block


def assert_no_broken_link(page):
    assert 'href="mailto:"' not in page and 'href="tel:"' not in page and 'href=""' not in page


# The model


@pytest.mark.parametrize(
    "phone, uri",
    [
        ("020 7946 0000", "tel:02079460000"),
        ("+44 (0)20 7946 0000", "tel:+442079460000"),
        ("+44 20 7946-0000", "tel:+442079460000"),
        ("", ""),
    ],
)
def test_a_phone_number_becomes_a_tel_link_of_digits(phone, uri):
    assert Partnership(contact_phone=phone).contact_phone_uri == uri


def test_a_partnership_has_a_contact_only_when_it_gives_a_way_to_reach_it():
    assert not Partnership(contact_name="Anne Hooper").has_contact
    assert not Partnership(contact_address="  \n ").has_contact
    assert Partnership(contact_email="a@example.org").has_contact
    assert Partnership(contact_phone="020 7946 0000").has_contact
    assert Partnership(contact_address="1 High Street").has_contact


# The back office: the chair keeps the contact


def partnership_form(partnership, **fields):
    data = {
        "name": partnership.name,
        "short_name": partnership.short_name,
        "financial_year_start_month": "4",
        "feedback_target_days": "60",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return data


def test_the_chair_edits_the_contact_in_the_back_office(client, chair, partnership):
    client.force_login(chair)
    url = reverse("admin:engagement_partnership_change", args=[partnership.pk])
    form = client.get(url).context["adminform"].form
    assert {"contact_name", "contact_email", "contact_phone", "contact_address", "purpose"} <= set(form.fields)
    response = client.post(url, partnership_form(partnership, **CONTACT))
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert {name: getattr(partnership, name) for name in CONTACT} == CONTACT


def test_staff_see_the_contact_but_do_not_change_it(client, staff_user, partnership):
    client.force_login(staff_user)
    url = reverse("admin:engagement_partnership_change", args=[partnership.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, partnership_form(partnership, **CONTACT)).status_code == 403
    partnership.refresh_from_db()
    assert partnership.contact_phone == ""


@pytest.mark.parametrize(
    "phone", ["٠٢٠ ٧٩٤٦ ٠٠٠٠", "call me", "( ) - ( )", "12345", "020\x007946", "1" * 41, "+44 20 7946 0000 ext <b>"]
)
def test_a_phone_number_that_is_not_one_is_refused_beside_the_field(client, chair, partnership, phone):
    client.force_login(chair)
    url = reverse("admin:engagement_partnership_change", args=[partnership.pk])
    response = client.post(url, partnership_form(partnership, contact_phone=phone))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["contact_phone"]
    partnership.refresh_from_db()
    assert partnership.contact_phone == ""


# The partnership page


def test_the_partnership_page_shows_its_contact(client, with_contact):
    response = client.get(with_contact.get_absolute_url())
    assert response.status_code == 200
    assert '<h2 id="contact">Contact</h2>' in response.content.decode()
    assert_full_contact(contact_block(response))


def test_without_a_contact_the_page_says_so_with_no_broken_link(client, partnership, settings):
    settings.PORTAL_CONTACT_EMAIL = ""
    response = client.get(partnership.get_absolute_url())
    page = page_text(response)
    assert "has not published contact details yet." in page
    assert "Partnership Portal team" not in page
    assert "<address" not in page
    assert_no_broken_link(response.content.decode())


def test_without_a_contact_the_page_names_the_operators_when_set(client, partnership, settings):
    settings.PORTAL_CONTACT_EMAIL = "help@portal.example.org"
    response = client.get(partnership.get_absolute_url())
    assert '<a href="mailto:help@portal.example.org">help@portal.example.org</a>' in response.content.decode()


def test_a_mistyped_operators_address_is_not_offered(client, partnership, settings):
    settings.PORTAL_CONTACT_EMAIL = "not an address"
    response = client.get(partnership.get_absolute_url())
    page = response.content.decode()
    assert "not an address" not in page and "Partnership Portal team" not in page
    assert_no_broken_link(page)


def test_only_an_email_shows_only_an_email(client, partnership):
    partnership.contact_email = "lpp@example.org"
    partnership.save()
    block = contact_block(client.get(partnership.get_absolute_url()))
    assert "mailto:lpp@example.org" in block
    assert "tel:" not in block and "By post" not in block


def test_contact_details_are_escaped(client, partnership):
    partnership.contact_name = "<script>alert(1)</script>"
    partnership.contact_address = '1 "High" Street\n<img src=x onerror=alert(1)>'
    partnership.save()
    page = client.get(partnership.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_chairs_edit_shows_to_visitors_at_once(client, partnership, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    assert "lpp@example.org" not in client.get(partnership.get_absolute_url()).content.decode()
    partnership.contact_email = "lpp@example.org"
    partnership.save()
    assert "mailto:lpp@example.org" in client.get(partnership.get_absolute_url()).content.decode()


# Agendas and the agenda pack


@pytest.fixture
def agenda(with_contact):
    meeting = make_meeting(with_contact, start=aware(2024, 4, 23, 10, 0), title="Year 1 Review")
    make_item(meeting, title="Presentation of the draft review")
    return meeting


def test_every_agenda_shows_the_partnerships_contact(client, agenda):
    response = client.get(reverse("meeting_detail", args=[agenda.pk]))
    assert response.status_code == 200
    assert "Questions about this meeting" in response.content.decode()
    assert_full_contact(contact_block(response))


def test_an_agenda_without_a_contact_says_so(client, partnership):
    meeting = make_meeting(partnership, title="A meeting")
    response = client.get(reverse("meeting_detail", args=[meeting.pk]))
    assert "has not published contact details yet." in page_text(response)
    assert_no_broken_link(response.content.decode())


def pack_html(meeting):
    from meetings.views.feeds import agenda_pack_context

    request = RequestFactory().get("/")
    meeting = Meeting.objects.for_agenda().get(pk=meeting.pk)
    return render_to_string(
        "meetings/agenda_pdf.html", agenda_pack_context(meeting, AnonymousUser(), request.build_absolute_uri)
    )


def test_the_agenda_pack_gives_the_contact_under_questions(agenda):
    html = pack_html(agenda)
    questions = re.search(r'<th scope="row">Questions</th><td>(.*?)</td>', html, re.S)
    assert questions, "no Questions row in the pack"
    assert "Anne Hooper, Chair" in questions.group(1)
    assert "lpp@example.org" in questions.group(1) and "+44 (0)20 7946 0000" in questions.group(1)
    assert "Catford Road" in questions.group(1)


def test_the_agenda_pack_without_a_contact_says_so(partnership):
    meeting = make_meeting(partnership, title="A meeting")
    html = pack_html(meeting)
    assert "has not published contact details yet." in html
    assert_no_broken_link(html)


def test_the_agenda_pack_is_still_a_pdf(client, agenda):
    response = client.get(reverse("meeting_agenda_pdf", args=[agenda.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


# The claim pages


@pytest.fixture
def claim_world(settings, tmp_path, with_contact, member):
    from tests.reimbursement.conftest import make_policy

    settings.MEDIA_ROOT = tmp_path / "media"
    make_policy(with_contact)
    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) - datetime.timedelta(days=3)
    meeting = make_meeting(with_contact, start=start, status=Meeting.Status.HELD, title="Recent meeting")
    return meeting


def test_the_claim_page_gives_the_claims_partnerships_contact(client, member, claim_world):
    from tests.reimbursement.conftest import make_claim

    claim = make_claim(member, claim_world)
    client.force_login(member)
    for name in ("claim_detail", "claim_edit"):
        response = client.get(reverse(name, args=[claim.pk]))
        assert response.status_code == 200
        assert "Questions about this claim" in response.content.decode(), name
        assert_full_contact(contact_block(response))


def test_a_claim_past_its_deadline_names_whom_to_ask(client, member, claim_world):
    from tests.reimbursement.conftest import make_claim

    claim = make_claim(member, claim_world)
    claim_world.start -= datetime.timedelta(days=60)
    claim_world.end -= datetime.timedelta(days=60)
    claim_world.save()
    client.force_login(member)
    page = page_text(client.get(reverse("claim_detail", args=[claim.pk])))
    assert 'please contact Anne Hooper, Chair at <a href="mailto:lpp@example.org">' in page
    assert "contact the chair" not in page


def test_a_meeting_too_late_to_claim_for_names_its_partnerships_contact(client, member, claim_world):
    from meetings.models import Attendance

    claim_world.start -= datetime.timedelta(days=60)
    claim_world.end -= datetime.timedelta(days=60)
    claim_world.save()
    Attendance.objects.create(meeting=claim_world, participant=member.participant, status="attended")
    client.force_login(member)
    response = client.get(reverse("claim_new"))
    page = page_text(response)
    assert "Meetings you can no longer claim for" in page
    assert "contact the chair" not in page
    block = contact_block(response)
    assert "Lewisham People's Partnership" in block and "mailto:lpp@example.org" in block


def test_a_claim_of_a_partnership_without_a_contact_says_so(client, member, partnership, settings, tmp_path):
    from tests.reimbursement.conftest import make_claim, make_policy

    settings.MEDIA_ROOT = tmp_path / "media"
    make_policy(partnership)
    start = timezone.localtime() - datetime.timedelta(days=3)
    claim = make_claim(member, make_meeting(partnership, start=start, status=Meeting.Status.HELD))
    client.force_login(member)
    response = client.get(reverse("claim_detail", args=[claim.pk]))
    assert "has not published contact details yet." in page_text(response)
    assert_no_broken_link(response.content.decode())


# The accessibility statement


def test_the_accessibility_statement_lists_every_partnership_with_a_contact(client, with_contact):
    make_partnership(name="Quiet Partnership", slug="quiet")
    make_partnership(name="Phone Partnership", slug="phone", contact_phone="01772 000000")
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    page = page_text(response)
    assert "Contact a partnership" in page
    assert "Lewisham People's Partnership" in page and "mailto:lpp@example.org" in page
    assert "tel:01772000000" in page
    listed = re.search(r'<ul class="list-unstyled partnership-contacts">(.*?)</ul>', page, re.S).group(1)
    assert "Quiet Partnership" not in listed


def test_the_accessibility_statement_shows_one_partnerships_contact(client, with_contact):
    make_partnership(name="Phone Partnership", slug="phone", contact_phone="01772 000000")
    response = client.get(reverse("accessibility"), {"partnership": "lewisham"})
    assert response.status_code == 200
    assert_full_contact(contact_block(response))
    assert "tel:01772000000" not in response.content.decode()


def test_the_accessibility_statement_names_an_unknown_partnership(client, with_contact):
    response = client.get(reverse("accessibility"), {"partnership": "nope\x00"})
    assert response.status_code == 200
    response = client.get(reverse("accessibility"), {"partnership": "nope"})
    assert response.status_code == 200
    assert "No partnership called “nope”." in page_text(response)


def test_the_accessibility_statement_without_any_contact(client, partnership, settings):
    settings.PORTAL_CONTACT_EMAIL = "help@portal.example.org"
    page = page_text(client.get(reverse("accessibility")))
    assert "No partnership has published contact details yet." in page
    assert "mailto:help@portal.example.org" in page


def test_the_accessibility_statements_contacts_come_a_page_at_a_time(client, db):
    from partnership_portal.views import CONTACTS_PER_PAGE

    for n in range(CONTACTS_PER_PAGE + 1):
        make_partnership(name=f"P {n:03}", slug=f"p-{n:03}", contact_email=f"p{n}@example.org")
    first = client.get(reverse("accessibility")).content.decode()
    assert f"p{CONTACTS_PER_PAGE}@example.org" not in first and "Page 1 of 2" in first
    second = client.get(reverse("accessibility"), {"page": "2"}).content.decode()
    assert f"p{CONTACTS_PER_PAGE}@example.org" in second


@pytest.mark.parametrize("count", [1, 10])
def test_contact_pages_keep_query_counts_flat(client, partnership, django_assert_max_num_queries, count):
    for n in range(count):
        make_partnership(name=f"P {n}", slug=f"p-{n}", contact_email=f"p{n}@example.org")
    with django_assert_max_num_queries(4):
        assert client.get(reverse("accessibility")).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(reverse("accessibility"), {"partnership": "p-0"}).status_code == 200


# The demo


def test_the_demo_gives_lewishams_contact_from_the_seed_and_none_for_lancashire(demo_data, client):
    lewisham, lsc = demo_data["lewisham"], demo_data["lancashire-south-cumbria"]
    assert (lewisham.contact_name, lewisham.contact_email) == ("Anne Hooper, Chair", "anne.hooper@nhs.net")
    assert (lewisham.contact_phone, lewisham.contact_address) == ("", "")  # the seed gives neither
    assert not lsc.has_contact  # the seed names no contact
    assert "mailto:anne.hooper@nhs.net" in client.get(lewisham.get_absolute_url()).content.decode()
    assert "has not published contact details yet." in page_text(client.get(lsc.get_absolute_url()))


def test_a_staff_member_elsewhere_cannot_change_the_contact(client, partnership, elsewhere):
    user = make_user("away-chair", "chair", is_staff=True, partnership=elsewhere)
    client.force_login(user)
    url = reverse("admin:engagement_partnership_change", args=[partnership.pk])
    client.post(url, partnership_form(partnership, **CONTACT))
    partnership.refresh_from_db()
    assert partnership.contact_email == ""
