"""Receipts: checked by content, capped in size, stored under random names, downloaded only by those allowed."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reimbursement.models import ClaimLine, Receipt
from tests.factories import page_text

from .conftest import make_claim, pdf_upload, png_bytes, text_pretending_to_be_pdf


def post_receipt(client, claim, upload, action="save"):
    return client.post(
        reverse("claim_edit", args=[claim.pk]),
        {
            "meeting_hours": "2",
            "preparation_hours": "0",
            "action": action,
            "version": claim.version,
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "15",
            "lines-0-category": "parking",
            "lines-0-amount": "6.00",
            "lines-0-receipt": upload,
        },
    )


def test_a_text_file_called_receipt_pdf_is_refused(client, member, policy, recent_meeting):
    claim = make_claim(member, recent_meeting, lines=[])
    client.force_login(member)
    response = post_receipt(client, claim, text_pretending_to_be_pdf())
    assert response.status_code == 200
    errors = response.context["formset"].forms[0].errors["receipt"]
    assert "not a PDF, JPEG or PNG" in errors[0]
    assert "not a PDF, JPEG or PNG" in page_text(response)
    assert not ClaimLine.objects.exists() and not Receipt.objects.exists()


def test_a_file_over_the_size_cap_is_refused(client, member, policy, recent_meeting, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    claim = make_claim(member, recent_meeting, lines=[])
    client.force_login(member)
    big_png = SimpleUploadedFile("receipt.png", png_bytes() + b"\x00" * 2048, "image/png")
    response = post_receipt(client, claim, big_png)
    assert "the largest we accept is 1 KB." in response.context["formset"].forms[0].errors["receipt"][0]
    assert not Receipt.objects.exists()


def test_a_real_receipt_is_stored_under_a_random_name_by_its_content(client, member, policy, recent_meeting):
    claim = make_claim(member, recent_meeting, lines=[])
    client.force_login(member)
    # A PNG that calls itself a PDF is kept, as the PNG it is.
    upload = SimpleUploadedFile("My bank statement.pdf", png_bytes(), "application/pdf")
    response = post_receipt(client, claim, upload)
    assert response.status_code == 302
    receipt = Receipt.objects.get()
    assert receipt.file.name.startswith("receipts/") and receipt.file.name.endswith(".png")
    assert "bank" not in receipt.file.name and receipt.line.claim == claim


def test_a_new_receipt_replaces_the_old_one(client, member, policy, recent_meeting):
    claim = make_claim(member, recent_meeting)
    line = claim.lines.get()
    first = Receipt.objects.get()
    client.force_login(member)
    response = client.post(
        reverse("claim_edit", args=[claim.pk]),
        {
            "meeting_hours": "2",
            "preparation_hours": "0",
            "action": "save",
            "version": claim.version,
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "1",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "15",
            "lines-0-id": line.pk,
            "lines-0-category": "public_transport",
            "lines-0-amount": "4.80",
            "lines-0-receipt": pdf_upload(),
        },
    )
    assert response.status_code == 302
    receipt = Receipt.objects.get()
    assert receipt.pk != first.pk and receipt.file.name.endswith(".pdf")


def test_receipt_downloads_as_an_attachment_for_the_claimant_and_approvers(client, claims, member, finance, chair):
    receipt = Receipt.objects.get(claim=claims["member"])
    for user in (member, finance, chair):
        client.force_login(user)
        response = client.get(reverse("receipt_download", args=[receipt.pk]))
        assert response.status_code == 200
        assert (
            response["Content-Disposition"]
            == f'attachment; filename="claim-{receipt.claim_id}-receipt-{receipt.pk}.png"'
        )
        assert response["Content-Type"] == "image/png"
        assert "no-store" in response["Cache-Control"]
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_receipts_of_drafts_are_the_claimants_alone(client, member, finance, policy, recent_meeting):
    claim = make_claim(member, recent_meeting)
    receipt = Receipt.objects.get(claim=claim)
    client.force_login(finance)
    assert client.get(reverse("receipt_download", args=[receipt.pk])).status_code == 404
    client.force_login(member)
    assert client.get(reverse("receipt_download", args=[receipt.pk])).status_code == 200


def test_a_missing_file_is_a_404_not_a_500(client, claims, member):
    receipt = Receipt.objects.get(claim=claims["member"])
    receipt.file.storage.delete(receipt.file.name)
    client.force_login(member)
    assert client.get(reverse("receipt_download", args=[receipt.pk])).status_code == 404


# --- What the receipt rule and the size cap say -------------------------------------------------


def submit_parking_without_receipt(client, claim):
    return client.post(
        reverse("claim_edit", args=[claim.pk]),
        {
            "meeting_hours": "2",
            "preparation_hours": "0",
            "action": "submit",
            "declaration": "on",
            "version": claim.version,
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-category": "parking",
            "lines-0-amount": "16.00",
        },
    )


def test_with_a_threshold_of_nothing_every_expense_needs_a_receipt_in_those_words(
    client, member, policy, recent_meeting
):
    assert policy.receipt_threshold == 0
    claim = make_claim(member, recent_meeting, lines=[])
    client.force_login(member)
    rule = "a receipt for every expense except mileage"
    assert rule in page_text(client.get(reverse("claim_edit", args=[claim.pk])))
    assert rule in page_text(client.get(reverse("claim_policy")))
    response = submit_parking_without_receipt(client, claim)
    error = response.context["formset"].forms[0].errors["receipt"][0]
    assert error == f"Add a receipt: the policy needs {rule}."
    for page in (response, client.get(reverse("claim_policy"))):
        assert "over £0.00" not in page_text(page)


def test_with_a_threshold_the_rule_names_the_amount(client, member, partnership, recent_meeting):
    from .conftest import make_policy

    make_policy(partnership, receipt_threshold="10.00")
    claim = make_claim(member, recent_meeting, lines=[])
    client.force_login(member)
    rule = "a receipt for every expense over £10.00 except mileage"
    assert rule in page_text(client.get(reverse("claim_edit", args=[claim.pk])))
    assert rule in page_text(client.get(reverse("claim_policy")))
    error = submit_parking_without_receipt(client, claim).context["formset"].forms[0].errors["receipt"][0]
    assert error == f"Add a receipt: the policy needs {rule}."


def test_a_file_too_big_is_refused_with_its_real_size_and_the_cap(client, member, policy, recent_meeting):
    claim = make_claim(member, recent_meeting, lines=[])
    client.force_login(member)
    big = SimpleUploadedFile("receipt.png", png_bytes() + b"\x00" * 13_000_000, "image/png")  # 12.4 MB
    response = post_receipt(client, claim, big)
    error = response.context["formset"].forms[0].errors["receipt"][0]
    assert error == "This file is 12.4 MB; the largest we accept is 10 MB."
    assert "up to 10 MB" in page_text(response)
    assert not Receipt.objects.exists()


def test_file_sizes_are_written_as_people_read_them():
    from engagement.files import file_size

    assert [file_size(n) for n in (0, 1, 900, 1024, 1536, 10 * 1024 * 1024, 13_002_342, 3 * 1024**3)] == [
        "0 bytes", "1 byte", "900 bytes", "1 KB", "1.5 KB", "10 MB", "12.4 MB", "3 GB",
    ]  # fmt: skip


def test_a_file_just_over_the_cap_says_so_in_bytes(settings):
    import pytest
    from django.core.exceptions import ValidationError

    from engagement.files import validate_upload

    settings.MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile("r.png", png_bytes() + b"\x00" * (1025 - len(png_bytes())), "image/png"))
    assert refused.value.messages == ["This file is 1,025 bytes; the largest we accept is 1,024 bytes (1 KB)."]
