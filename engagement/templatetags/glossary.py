"""``{{ text|glossary:partnership }}``: the text escaped, the first use on the page of each known term in an ``<abbr>``.

The partnership's terms are read once per page (``engagement.glossary.glossary_for``
keeps them on the partnership object), whatever the number of texts marked.
Apply it before ``linebreaks``: ``{{ item.description|glossary:meeting.partnership|linebreaks }}``.
"""

from django import template
from django.utils.html import escape

from engagement.glossary import glossary_for

register = template.Library()


@register.filter(is_safe=True)
def glossary(text, partnership):
    if not partnership or getattr(partnership, "pk", None) is None:
        return escape(text if text is not None else "")
    return glossary_for(partnership).mark(text)
