"""Ids, page numbers and filter values read from the query string: the one way every view reads them.

A query string is typed, shared, cut short and tampered with. PostgreSQL refuses
a NUL byte in any string (a 500 when one reached a query); ``"²".isdigit()`` is
true but ``int("²")`` fails, while ``int("٣")`` is 3; a key may come twice, a
value may be 5,000 characters long. So nothing from ``request.GET`` reaches a
query before it passes through here:

- ``query_id`` and ``page_number`` read one number; one that is not plainly an
  ASCII number in range counts as not given;
- a list's filters are a ``QueryForm`` (or a django-filter ``FilterSet`` whose
  ``Meta.form`` is one): an unusable value is dropped before any field sees it,
  and it, like any value that is not one of the choices, is refused beside its
  field in plain words ("No partnership called “nope”."). The list is then
  empty and says why, with status 200, on every list page.

Views pass ``request.GET`` whole only to such a form, or copy it to build pager
links (tests/security/test_hostile_query_strings.py checks both). Imports no app.
"""

import re

from django import forms

MAX_VALUE_LENGTH = 200
MAX_ID = 2**63 - 1  # the largest primary key a database holds (bigint)
SHOWN_LENGTH = 60

_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")  # not \d: that accepts "²" and "٣"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def usable(value):
    """True for text a query may use: no NUL or other control character, and not absurdly long."""
    return isinstance(value, str) and len(value) <= MAX_VALUE_LENGTH and not _CONTROL.search(value)


def shown(value):
    """``value`` as a message may quote it: control characters replaced, cut to a readable length.

    Templates escape it; this only keeps it legible.
    """
    text = _CONTROL.sub("\N{REPLACEMENT CHARACTER}", str(value))
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


def parse_id(value):
    """``value`` as a database id (ASCII digits, 1 to the bigint limit), or None."""
    if not isinstance(value, str) or not _ASCII_DIGITS.fullmatch(value.strip()):
        return None
    number = int(value.strip())
    return number if 1 <= number <= MAX_ID else None


def query_text(request, key):
    """The text given as ``key``, or '' when it is missing or not usable (see ``usable``)."""
    value = request.GET.get(key, "")
    return value if usable(value) else ""


def query_id(request, key):
    """The id given as ``key``, or None when it is missing or not an id."""
    return parse_id(request.GET.get(key, ""))


def page_number(request, key="page"):
    """The page asked for as ``key``, for ``Paginator.get_page`` (which turns a page past the end into the last)."""
    return parse_id(request.GET.get(key, "")) or 1


def has_filters(request, ignore=("page",)):
    """True when the query string gives any value other than the ``ignore`` keys (e.g. the page)."""
    return any(value for key, value in request.GET.items() if key not in ignore)


class QueryForm(forms.Form):
    """Filters read from the query string, above a list.

    ``refused`` maps each key whose value was dropped as unusable to that value.
    After validation every field whose value was dropped or is not one of its
    choices carries one plain error naming the value, and ``problems`` lists
    them for the top of the page.
    """

    def __init__(self, data=None, *args, **kwargs):
        self.refused = {}
        if data is not None:
            data = data.copy()
            for key in list(data.keys()):
                values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
                bad = [value for value in values if not usable(value)]
                if bad:
                    self.refused[key] = bad[0]
                    del data[key]
                elif hasattr(data, "setlist"):
                    data.setlist(key, [value.strip() for value in values])  # a link copied with a space still works
        super().__init__(data, *args, **kwargs)

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        for name in self.fields:
            key = self.add_prefix(name)
            if key in self.refused:
                value = self.refused[key]
            elif name in self._errors and any(e.code == "invalid_choice" for e in self._errors[name].as_data()):
                value = self[name].data
                value = value[-1] if isinstance(value, list | tuple) and value else value
            else:
                continue
            self._errors[name] = self.error_class([self.unknown_message(name, value)], renderer=self.renderer)
            if hasattr(self, "cleaned_data"):
                self.cleaned_data.pop(name, None)
        for name in self._errors:
            if name in self.fields:
                # Screen readers hear which field is wrong, and why; the red border shows it.
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].id_for_label}-error"
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()

    def unknown_message(self, name, value):
        """'No partnership called “nope”.' for a model choice; else the value and the field's label."""
        field = self.fields[name]
        queryset = getattr(field, "queryset", None)
        if queryset is not None:
            return f"No {queryset.model._meta.verbose_name} called “{shown(value)}”."
        return f"“{shown(value)}” is not one of the choices for {str(field.label or name).lower()}."

    @property
    def problems(self):
        """Every field's error, in the order of the fields, for the top of the page."""
        return [error for name in self.fields for error in self.errors.get(name, [])]
