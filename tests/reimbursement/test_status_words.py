"""One word for a claim sent back, everywhere a member or finance reads it: "Sent back".

The stored value stays ``rejected`` (a contract, DESIGN.md); only what people read changes.
"""

import re

from django.urls import reverse

from reimbursement.models import Claim
from tests.factories import page_text

from .conftest import make_claim, xlsx_sheets


def visible(response):
    """The words on a page, without its markup (class names such as claim-status-rejected are not read)."""
    body = page_text(response)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_a_claim_sent_back_is_called_sent_back_on_every_page_and_file(
    client, member, finance, chair, policy, recent_meeting
):
    claim = make_claim(member, recent_meeting, Claim.Status.REJECTED, by=finance)
    assert claim.status == "rejected" and Claim.Status.REJECTED.label == "Sent back"
    client.force_login(member)
    for url in (
        reverse("claim_list"),
        reverse("claim_detail", args=[claim.pk]),
        reverse("claim_edit", args=[claim.pk]),
    ):
        words = visible(client.get(url))
        assert "sent back" in words.lower(), url
        assert "ejected" not in words, url
    detail = visible(client.get(reverse("claim_detail", args=[claim.pk])))
    assert "Sent back by finance" in detail  # the history says it in the same words as the badge
    client.force_login(finance)
    for url in (
        reverse("claim_detail", args=[claim.pk]),
        reverse("admin:reimbursement_claim_changelist"),
        reverse("admin:reimbursement_claim_change", args=[claim.pk]),
        reverse("claim_year_summary"),
    ):
        words = visible(client.get(url))
        assert "Sent back" in words, url
        assert "ejected" not in words, url
    filtered = client.get(reverse("admin:reimbursement_claim_changelist"), {"status__exact": "rejected"})
    assert filtered.context["cl"].result_count == 1
    year = claim.meeting.partnership.financial_year_of(claim.meeting.local_date)
    sheets = xlsx_sheets(client.get(reverse("claim_year_summary_xlsx", args=["lewisham", year])).content)
    cells = [cell for sheet in sheets.values() for row in sheet for cell in row if isinstance(cell, str)]
    assert "Sent back" in cells and not [cell for cell in cells if "ejected" in cell]


def test_refusals_say_sent_back_too(finance, member, policy, recent_meeting):
    from reimbursement import services

    claim = make_claim(member, recent_meeting, Claim.Status.REJECTED, by=finance)
    try:
        services.approve_claim(claim.pk, by=finance)
    except services.ClaimRefused as refused:
        assert "has been sent back, so it cannot be approved" in str(refused)
    else:
        raise AssertionError("approving a claim sent back must be refused")
