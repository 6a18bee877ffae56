"""``{% partnership_contact partnership %}``: whom to ask, as an ``<address>`` (``includes/partnership_contact.html``).

When the partnership gives no way to reach it, the block says so and names the
platform's operators (``settings.PORTAL_CONTACT_EMAIL``) when an address is set,
so the page never shows an empty or broken link.
"""

from django import template
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

register = template.Library()


def operator_email():
    """``settings.PORTAL_CONTACT_EMAIL`` when it is a usable address, else ''."""
    email = (getattr(settings, "PORTAL_CONTACT_EMAIL", "") or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email


@register.inclusion_tag("includes/partnership_contact.html")
def partnership_contact(partnership, name_partnership=False):
    """The contact block; ``name_partnership`` puts the partnership's name first (a list of several)."""
    return {"partnership": partnership, "operator_email": operator_email(), "name_partnership": name_partnership}


@register.simple_tag
def portal_contact_email():
    """``{% portal_contact_email as operator_email %}``: the operators' address, or '' when none is set."""
    return operator_email()
