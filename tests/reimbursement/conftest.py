"""Fixtures and small factories for the claims tests: a policy, meetings people attended, claims in any state."""

import datetime
import io
import zlib
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from reimbursement import services
from reimbursement.models import Claim, ExpenseCategory, PaymentPolicy, TimeBasis
from tests.factories import attend, make_meeting


@pytest.fixture(autouse=True)
def receipts_in_tmp(settings, tmp_path):
    """Receipts uploaded by tests go to a temporary folder, never the project's media.

    Passwords use a fast hasher here: the permission matrix makes five users for each of
    its 140 cases, and no test in this folder is about passwords.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_policy(partnership, **fields):
    """Lewisham-like: £25 an hour up to £75 a half day / £150 a full day, 2 h preparation, 45p + 5p, 30 days."""
    defaults = {
        "name": "Involvement payments",
        "effective_from": datetime.date(2020, 4, 1),
        "time_basis": TimeBasis.HOURLY_UP_TO_SESSION,
        "hourly_rate": Decimal("25.00"),
        "half_day_amount": Decimal("75.00"),
        "full_day_amount": Decimal("150.00"),
        "preparation_paid": True,
        "preparation_cap_hours": Decimal("2"),
        "mileage_rate": Decimal("0.45"),
        "passenger_rate": Decimal("0.05"),
        "receipt_threshold": Decimal("0.00"),
        "claim_deadline_days": 30,
        "allows_subsistence": True,
        "budget_code": "LHCP-ENG",
        "benefits_advice_url": "https://advice.example.org/benefits",
    }
    defaults.update(fields)
    return PaymentPolicy.objects.create(partnership=partnership, **defaults)


def days_ago(n, hour=10):
    moment = timezone.localtime() - datetime.timedelta(days=n)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def held_meeting_days_ago(partnership, n, **fields):
    fields.setdefault("status", "held")
    return make_meeting(partnership, start=days_ago(n), **fields)


def png_bytes():
    """A real (tiny) PNG."""

    def chunk(kind, data):
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") + (1).to_bytes(4, "big") + b"\x08\x00\x00\x00\x00"
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff")) + chunk(b"IEND", b"")
    )


def png_upload(name="receipt.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf_upload(name="receipt.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n", "application/pdf")


def text_pretending_to_be_pdf():
    return SimpleUploadedFile("receipt.pdf", b"Just some text, not a receipt at all.\n" * 20, "application/pdf")


def bus(amount="4.80", receipt=True, **fields):
    return services.LineChange(
        category=ExpenseCategory.PUBLIC_TRANSPORT,
        amount=Decimal(amount),
        description=fields.pop("description", "Bus there and back"),
        receipt=png_upload() if receipt else None,
        **fields,
    )


def mileage(miles, passengers=0):
    return services.LineChange(category=ExpenseCategory.MILEAGE, miles=Decimal(miles), passengers=passengers)


def make_claim(
    user, meeting, status=Claim.Status.DRAFT, *, lines=None, hours="2", preparation="0", declined=False, by=None
):
    """A claim by ``user`` (a member with a participant) for ``meeting``, taken to ``status`` through the services.

    ``by`` is the approver for approved, rejected and paid claims (a finance user).
    """
    participant = user.participant
    attendance = meeting.attendances.filter(participant=participant).first() or attend(meeting, participant)
    claim = services.start_claim(participant, attendance.pk, by=user)
    services.update_claim(
        claim.pk,
        by=user,
        version=claim.version,
        meeting_hours=Decimal(hours),
        preparation_hours=Decimal(preparation),
        payment_declined=declined,
        lines=[bus()] if lines is None else lines,
    )
    if status != Claim.Status.DRAFT:
        services.submit_claim(claim.pk, by=user, declared=True)
    if status == Claim.Status.REJECTED:
        services.reject_claim(claim.pk, by=by, reason="The receipt is for another day.")
    if status in (Claim.Status.APPROVED, Claim.Status.PAID):
        services.approve_claim(claim.pk, by=by)
    if status == Claim.Status.PAID:
        services.pay_claim(claim.pk, by=by, reference="RUN-1", paid_on=timezone.localdate())
    claim.refresh_from_db()
    return claim


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def xlsx_sheets(content):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets}


@pytest.fixture
def policy(partnership):
    return make_policy(partnership)


@pytest.fixture
def recent_meeting(partnership, member, other_member):
    """A meeting three days ago that both members attended."""
    meeting = held_meeting_days_ago(partnership, 3, title="Partnership meeting")
    attend(meeting, member.participant)
    attend(meeting, other_member.participant)
    return meeting


@pytest.fixture
def claims(policy, recent_meeting, member, other_member, finance):
    """One submitted claim for each member, at the same meeting: {"member": claim, "other_member": claim}."""
    return {
        "member": make_claim(member, recent_meeting, Claim.Status.SUBMITTED),
        "other_member": make_claim(other_member, recent_meeting, Claim.Status.SUBMITTED),
    }
