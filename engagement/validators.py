"""What people type, checked once for every form: believable dates, numbers that are numbers.

Dates: any date a person types lies between 1900 and 2100. Python's dates run
from year 1 to 9999, so "0001-01-01" was accepted and published as "1 January
0001". Every editable ``DateField`` and ``DateTimeField`` of the apps' models
carries ``validate_typed_date`` (so model forms and the admin check it), and
the few plain form date fields too (tests/security/test_typed_dates.py finds
any that do not).

Numbers: ``forms.DecimalField`` turns "sNaN" into a signalling NaN, which it
refuses in ``validate`` but which raises ``InvalidOperation`` as soon as it is
compared, as ``has_changed`` does for an existing row: a 500. ``FiniteDecimalField``
refuses it, and NaN and infinity, before anything compares it.

Imports no app.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError

EARLIEST_TYPED_DATE = datetime.date(1900, 1, 1)
LATEST_TYPED_DATE = datetime.date(2100, 12, 31)
TYPED_DATE_MESSAGE = "Give a date between 1900 and 2100."


def validate_typed_date(value):
    """Refuse a date (or the day of a date and time) outside 1900–2100."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not EARLIEST_TYPED_DATE <= day <= LATEST_TYPED_DATE:
        raise ValidationError(TYPED_DATE_MESSAGE, code="date_out_of_range")


class FiniteDecimalField(forms.DecimalField):
    """A decimal form field that refuses NaN, sNaN and infinity as "Enter a number." when it first reads them."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and not value.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value
