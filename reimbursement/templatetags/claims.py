"""Money in words people read: £1,234.50, 45p."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def money(value):
    """£ and two places, with thousands separated: £1,234.50 (blank stays blank)."""
    if value is None or value == "":
        return ""
    return f"£{Decimal(value):,.2f}"


@register.filter
def pence(value):
    """A rate per mile: 45p below a pound, £1.20 above."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    if value < 1:
        return f"{(value * 100).normalize():f}p"
    return f"£{value:,.2f}"


@register.filter
def hours(value):
    """Hours without trailing zeros: 2, 1.5, 0.25."""
    if value is None or value == "":
        return ""
    text = f"{Decimal(value).normalize():f}"
    return text
