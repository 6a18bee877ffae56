"""Demo payment policies and claims (issue 6). Fictional, built through ``services`` as people would.

Lewisham's policies: 2023/24 pays £20 an hour (the London Living Wage era)
with one hour's preparation; from April 2024, NHS England's patient and public
voice style rates: £25 an hour up to £75 for a half day and £150 for a full
day, with up to two hours' preparation. Mileage at HMRC's 45p (+5p a
passenger); receipts for everything but mileage; claims within 30 days.

The demo meetings are in 2023 and 2024, long past their deadlines, so every
step is dated as it would have happened (``now=``): the history shows real
dates, and the one draft shows what a missed deadline looks like. Claims are
keyed on their attendance (one claim each), so loading twice changes nothing.
"""

import datetime
import zlib
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.utils import timezone

from meetings.models import Attendance
from reimbursement import services
from reimbursement.models import Claim, ExpenseCategory, PaymentPolicy, PaymentRoute, TimeBasis

ADVICE = "https://www.turn2us.org.uk/get-support/benefits-calculator"

POLICIES = {
    "lewisham": [
        {
            "effective_from": datetime.date(2023, 4, 1),
            "name": "LPP involvement payments 2023/24",
            "time_basis": TimeBasis.HOURLY,
            "hourly_rate": Decimal("20.00"),
            "preparation_paid": True,
            "preparation_cap_hours": Decimal("1.00"),
            "allows_subsistence": False,
            "budget_code": "LHCP-ENG-2324",
        },
        {
            "effective_from": datetime.date(2024, 4, 1),
            "name": "LPP involvement payments from April 2024",
            "time_basis": TimeBasis.HOURLY_UP_TO_SESSION,
            "hourly_rate": Decimal("25.00"),
            "half_day_amount": Decimal("75.00"),
            "full_day_amount": Decimal("150.00"),
            "preparation_paid": True,
            "preparation_cap_hours": Decimal("2.00"),
            "allows_subsistence": True,
            "budget_code": "LHCP-ENG-2425",
            "notes": "Rates follow NHS England's patient and public voice partners policy. The policy was "
            "co-produced with members of the People's Partnership.",
        },
    ],
    "lancashire-south-cumbria": [
        {
            "effective_from": datetime.date(2023, 4, 1),
            "name": "L&SC VCFSE partnership involvement payments",
            "time_basis": TimeBasis.SESSION,
            "half_day_amount": Decimal("75.00"),
            "full_day_amount": Decimal("150.00"),
            "preparation_paid": False,
            "allows_other": True,
            "budget_code": "LSC-VCFSE-01",
            "payment_route": PaymentRoute.PAYROLL,
        },
    ],
}

COMMON = {
    "mileage_rate": Decimal("0.45"),
    "passenger_rate": Decimal("0.05"),
    "receipt_threshold": Decimal("0.00"),
    "claim_deadline_days": 30,
    "benefits_advice_url": ADVICE,
}


def line(category, amount=None, description="", miles=None, passengers=0, taxi_reason="", receipt=True):
    return {
        "category": category,
        "amount": Decimal(amount) if amount else None,
        "description": description,
        "miles": Decimal(miles) if miles else None,
        "passengers": passengers,
        "taxi_reason": taxi_reason,
        "receipt": receipt and category != ExpenseCategory.MILEAGE,
    }


# Each claim: who, meeting date, time (hours at the meeting, preparation, declined), lines,
# then what happened, in days after the meeting.
CLAIMS = [
    {
        "user": "member",
        "meeting": datetime.date(2023, 5, 11),
        "time": ("2", "1", False),
        "lines": [line(ExpenseCategory.PUBLIC_TRANSPORT, "3.50", "Bus from Catford to Lewisham and back")],
        "steps": [("submit", 2), ("approve", 9, "finance"), ("pay", 26, "LPP-PR-2023-06", datetime.date(2023, 6, 6))],
    },
    {
        "user": "member",
        "meeting": datetime.date(2023, 9, 27),
        "time": ("2", "1", False),
        "lines": [
            line(
                ExpenseCategory.TAXI,
                "18.40",
                "Taxi home after the meeting",
                taxi_reason="No step-free route home in the evening",
            )
        ],
        "steps": [
            ("submit", 3),
            (
                "reject",
                10,
                "The taxi receipt attached is dated 20 September, a week before the meeting. Please add the "
                "receipt for 27 September and resubmit.",
            ),
        ],
    },
    {
        "user": "member",
        "meeting": datetime.date(2023, 12, 6),
        "time": ("2", "0", False),
        "lines": [line(ExpenseCategory.PUBLIC_TRANSPORT, "3.50", "Bus", receipt=False)],
        "steps": [],  # left as a draft, now past its deadline
        "started": 20,
    },
    {
        "user": "member",
        "meeting": datetime.date(2024, 2, 7),
        "time": ("2", "1", False),
        "lines": [
            line(ExpenseCategory.MILEAGE, description="Home to the Civic Suite and back", miles="8.4", passengers=1)
        ],
        "steps": [("submit", 5)],
    },
    {
        "user": "member",
        "meeting": datetime.date(2024, 4, 23),
        "time": ("2", "2", False),
        "lines": [line(ExpenseCategory.PUBLIC_TRANSPORT, "4.80", "Train from Ladywell and back")],
        "steps": [("submit", 4), ("approve", 12, "chair")],
    },
    {
        "user": "member2",
        "meeting": datetime.date(2023, 5, 11),
        "time": ("2", "0", True),  # declined: payments would affect Carer's Allowance
        "lines": [
            line(ExpenseCategory.CARE, "30.00", "Sitter for my mother while I was at the meeting"),
            line(ExpenseCategory.MILEAGE, description="Catford to Lewisham and back", miles="6"),
        ],
        "steps": [("submit", 1), ("approve", 9, "finance"), ("pay", 26, "LPP-PR-2023-06", datetime.date(2023, 6, 6))],
    },
    {
        "user": "member2",
        "meeting": datetime.date(2023, 7, 25),
        "time": ("2", "1", False),
        "lines": [line(ExpenseCategory.PARKING, "6.00", "Civic Suite car park")],
        "steps": [("submit", 2), ("approve", 8, "finance")],
    },
    {
        "user": "member2",
        "meeting": datetime.date(2023, 12, 6),
        "time": ("2", "1", False),
        "lines": [line(ExpenseCategory.CARE, "54.00", "Childcare for the afternoon")],
        "steps": [
            ("submit", 3),
            ("reject", 9, "The childcare receipt shows £45.00 but the claim says £54.00. Please correct the amount."),
            ("correct", 11, {"amount": Decimal("45.00")}),
            ("submit", 11),
        ],
    },
    {
        "user": "member2",
        "meeting": datetime.date(2024, 4, 23),
        "time": ("2", "2", False),
        "lines": [line(ExpenseCategory.PUBLIC_TRANSPORT, "4.80", "Bus and train")],
        "steps": [("submit", 6)],
    },
]


def _png_receipt():
    """A small grey PNG standing in for a photo of a receipt."""
    width, height = 120, 160
    raw = b"".join(b"\x00" + b"\xd8" * width for _ in range(height))

    def chunk(kind, data):
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x00\x00\x00\x00"
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _pdf_receipt(text):
    """A one-page PDF receipt with ``text`` on it."""
    stream = f"BT /F1 14 Tf 40 780 Td (Receipt - demo) Tj 0 -24 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _receipt_file(spec, index):
    if index % 2:
        return ContentFile(_png_receipt(), name="receipt.png")
    text = f"{spec['description'][:40]}: GBP {spec['amount']}"
    return ContentFile(_pdf_receipt(text.replace("(", "").replace(")", "")), name="receipt.pdf")


def _at(day, days_after, hour=18):
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=days_after), datetime.time(hour))
    )


def _changes(claim_spec, lines=None):
    existing = list(lines) if lines is not None else [None] * len(claim_spec["lines"])
    changes = []
    for index, (spec, current) in enumerate(zip(claim_spec["lines"], existing, strict=True)):
        changes.append(
            services.LineChange(
                line=current,
                category=spec["category"],
                description=spec["description"],
                amount=spec["amount"],
                miles=spec["miles"],
                passengers=spec["passengers"],
                taxi_reason=spec["taxi_reason"],
                receipt=_receipt_file(spec, index) if spec["receipt"] and current is None else None,
            )
        )
    return changes


def _load_claim(lewisham, spec, users):
    user = users[spec["user"]]
    participant = user.participant
    attendance = Attendance.objects.filter(
        meeting__partnership=lewisham, meeting__start__date=spec["meeting"], participant=participant
    ).first()
    if attendance is None or Claim.objects.filter(attendance=attendance).exists():
        return
    day = spec["meeting"]
    claim = services.start_claim(participant, attendance.pk, by=user, now=_at(day, spec.get("started", 1), 9))
    hours, preparation, declined = spec["time"]
    time = {"meeting_hours": Decimal(hours), "preparation_hours": Decimal(preparation), "payment_declined": declined}
    services.update_claim(
        claim.pk, by=user, version=claim.version, lines=_changes(spec), now=_at(day, spec.get("started", 1), 9), **time
    )
    for step in spec["steps"]:
        action, days_after, *rest = step
        now = _at(day, days_after)
        if action == "submit":
            services.submit_claim(claim.pk, by=user, declared=True, now=now)
        elif action == "approve":
            services.approve_claim(claim.pk, by=users[rest[0]], now=now)
        elif action == "reject":
            services.reject_claim(claim.pk, by=users["finance"], reason=rest[0], now=now)
        elif action == "correct":
            claim.refresh_from_db()
            lines = list(claim.lines.all())
            changes = _changes(spec, lines)
            for change in changes:
                change.amount = rest[0].get("amount", change.amount)
            services.update_claim(claim.pk, by=user, version=claim.version, lines=changes, now=now, **time)
        elif action == "pay":
            reference, paid_on = rest
            services.pay_claim(claim.pk, by=users["finance"], reference=reference, paid_on=paid_on, now=now)


def load(partnerships):
    """Create or update the demo policies, and the demo claims that do not exist yet."""
    for slug, policies in POLICIES.items():
        for policy in policies:
            fields = {**COMMON, **policy}
            effective_from = fields.pop("effective_from")
            PaymentPolicy.objects.update_or_create(
                partnership=partnerships[slug], effective_from=effective_from, defaults=fields
            )
    users = {
        user.username: user for user in User.objects.filter(username__in=["member", "member2", "finance", "chair"])
    }
    if len(users) < 4:
        return
    for spec in CLAIMS:
        _load_claim(partnerships["lewisham"], spec, users)
