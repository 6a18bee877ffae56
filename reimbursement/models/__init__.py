"""Paying people for their time and expenses: policies (``policies.py``); claims, lines, receipts (``claims.py``).

Money is ``Decimal`` with two places, rounded half-up at each line; totals are
sums of rounded lines and are computed here, never typed. A claim keeps a copy
of the rates it was worked out with (``RateCard``), so a new or edited policy
never changes an old claim. Claims change state only in
``reimbursement/services.py``.
"""

from .claims import (
    CLAIM_PARTNERSHIP,
    Claim,
    ClaimLine,
    ClaimLineQuerySet,
    ClaimQuerySet,
    Receipt,
    ReceiptQuerySet,
    StatusChange,
)
from .policies import (
    CATEGORY_FLAGS,
    PENNY,
    ZERO,
    ExpenseCategory,
    PaymentPolicy,
    PaymentPolicyQuerySet,
    PaymentRoute,
    RateCard,
    TimeBasis,
    money,
    person_name,
)
from .runs import PaymentRun

__all__ = [
    "CATEGORY_FLAGS",
    "CLAIM_PARTNERSHIP",
    "PENNY",
    "ZERO",
    "Claim",
    "ClaimLine",
    "ClaimLineQuerySet",
    "ClaimQuerySet",
    "ExpenseCategory",
    "PaymentPolicy",
    "PaymentPolicyQuerySet",
    "PaymentRoute",
    "PaymentRun",
    "RateCard",
    "Receipt",
    "ReceiptQuerySet",
    "StatusChange",
    "TimeBasis",
    "money",
    "person_name",
]
