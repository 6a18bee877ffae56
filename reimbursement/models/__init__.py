"""Paying people for their time and expenses: policies (``policies.py``); claims, lines, receipts (``claims.py``).

Money is ``Decimal`` with two places, rounded half-up at each line; totals are
sums of rounded lines and are computed here, never typed. A claim keeps a copy
of the rates it was worked out with (``RateCard``), so a new or edited policy
never changes an old claim. Claims change state only in
``reimbursement/services.py``.
"""

from .claims import Claim, ClaimLine, ClaimQuerySet, Receipt, ReceiptQuerySet, StatusChange
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

__all__ = [
    "CATEGORY_FLAGS",
    "PENNY",
    "ZERO",
    "Claim",
    "ClaimLine",
    "ClaimQuerySet",
    "ExpenseCategory",
    "PaymentPolicy",
    "PaymentPolicyQuerySet",
    "PaymentRoute",
    "RateCard",
    "Receipt",
    "ReceiptQuerySet",
    "StatusChange",
    "TimeBasis",
    "money",
    "person_name",
]
