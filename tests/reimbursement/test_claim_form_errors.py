"""Problems on the claim form: each once beside its field, and listed at the top with a link to that field."""

import re

from tests.factories import page_text

from .conftest import make_claim, messages_of
from .test_claiming import edit_post


def error_summary(html):
    """(href, text) of each link in the page's error summary, or None when there is none."""
    match = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', html, re.S)
    if not match:
        return None
    return [(href, " ".join(text.split())) for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', match.group(1))]


def beside_fields(html):
    """Every message shown beside a field (crispy writes one <p id="error_N_id_…"> each), in page order."""
    return [
        " ".join(text.split()) for text in re.findall(r'<p id="error_\d+_id_[^"]+"><strong>(.*?)</strong></p>', html)
    ]


def test_each_problem_is_shown_once_beside_its_field_and_linked_from_the_summary(
    client, member, policy, recent_meeting
):
    claim = make_claim(member, recent_meeting, lines=[])
    client.force_login(member)
    response = edit_post(
        client,
        claim,
        action="submit",
        meeting_hours="40",
        lines=[{"category": "taxi", "amount": "12.00"}, {"category": "parking"}, {"category": "mileage"}],
    )
    assert response.status_code == 200
    html = page_text(response)
    taxi = "Say why you needed a taxi, for example no step-free public transport."
    assert beside_fields(html) == [
        "Ensure this value is less than or equal to 12.",
        taxi,
        "Give the amount you paid.",
        "Give the distance in miles, there and back.",  # the model's "Give the distance in miles." is not added
        "Tick this box to confirm the declaration before you submit.",
    ]
    # The summary lists them in page order, each a link to the field's id, expenses by number.
    assert error_summary(html) == [
        ("#id_meeting_hours", "Ensure this value is less than or equal to 12."),
        ("#id_lines-0-taxi_reason", f"Expense 1: {taxi}"),
        ("#id_lines-1-amount", "Expense 2: Give the amount you paid."),
        ("#id_lines-2-miles", "Expense 3: Give the distance in miles, there and back."),
        ("#id_declaration", "Tick this box to confirm the declaration before you submit."),
    ]
    for href, _ in error_summary(html):
        assert f'id="{href[1:]}"' in html
    # Once beside the field and once in the summary: no third copy in a message or an alert.
    assert html.count(taxi) == 2
    assert not messages_of(response)
    assert "Files you chose need choosing again." not in html  # none were chosen


def test_the_summary_says_files_must_be_chosen_again_when_one_was(client, member, policy, recent_meeting):
    from .conftest import png_upload

    claim = make_claim(member, recent_meeting, lines=[])
    client.force_login(member)
    line = {"category": "parking", "amount": "3", "receipt": png_upload()}
    html = page_text(edit_post(client, claim, action="submit", lines=[line]))
    assert error_summary(html) == [("#id_declaration", "Tick this box to confirm the declaration before you submit.")]
    assert "Files you chose need choosing again." in html


def test_the_summary_is_an_alert_with_a_heading_and_takes_focus(client, member, policy, recent_meeting):
    claim = make_claim(member, recent_meeting, lines=[])
    client.force_login(member)
    html = page_text(edit_post(client, claim, action="submit"))
    summary = re.search(r'<div class="error-summary"[^>]*>', html).group(0)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and "autofocus" in summary
    assert 'aria-labelledby="error-summary-title"' in summary
    assert '<h2 class="error-summary-title h4" id="error-summary-title">There is a problem</h2>' in html
    # It comes before the page's heading, at the top of the content.
    assert html.index('class="error-summary"') < html.index("<h1")


def test_no_summary_without_problems(client, member, policy, recent_meeting):
    claim = make_claim(member, recent_meeting, lines=[])
    client.force_login(member)
    assert error_summary(page_text(client.get(claim.get_absolute_url() + "edit/"))) is None


def test_other_forms_have_the_summary_too(client, member, policy, recent_meeting):
    from django.urls import reverse

    client.force_login(member)
    html = page_text(client.post(reverse("claim_new"), {}))
    assert error_summary(html) == [("#id_attendance_0", "This field is required.")]
    assert 'id="id_attendance_0"' in html
    client.logout()
    html = page_text(client.post(reverse("login"), {"username": "", "password": ""}))
    assert error_summary(html) == [
        ("#id_username", "This field is required."),
        ("#id_password", "This field is required."),
    ]
