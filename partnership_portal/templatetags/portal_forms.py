"""The error summary at the top of a form page (the GOV.UK pattern): one link per problem, to its field."""

from django import template
from django.forms import BaseFormSet, BoundField
from django.forms.widgets import CheckboxSelectMultiple, RadioSelect

register = template.Library()


def _target(bound_field):
    """The id of the element a summary link moves to: the input itself (the first option of a group)."""
    if isinstance(bound_field.field.widget, RadioSelect | CheckboxSelectMultiple):
        return f"{bound_field.auto_id}_0"
    return bound_field.id_for_label or bound_field.auto_id


def _first_field(form):
    return next((form[name] for name in form.fields if not form[name].is_hidden), None)


def _form_errors(form, prefix, skip, non_field):
    first = _first_field(form)
    found = []
    if non_field:
        for error in form.non_field_errors():
            found.append((_target(first) if first else "", f"{prefix}{error}"))
    for name in form.fields:
        bound_field = form[name]
        if (id(form), name) in skip:
            continue
        place = first if bound_field.is_hidden else bound_field
        for error in bound_field.errors:
            found.append((_target(place) if place else "", f"{prefix}{error}"))
    return found


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*parts, item="", note="", show_note=True, non_field=True):
    """Every problem on the page, in page order, for ``includes/error_summary.html``.

    ``parts`` are forms, formsets and single bound fields, in the order the page shows them;
    a field given on its own is listed there, not with its form (a declaration at the end of
    the page, say). A formset's forms are named "``item`` 1: …" so that two "Give the amount"
    say which. ``non_field=False`` leaves out errors of a whole form where the page already shows
    them at the top of the form (``{{ form|crispy }}`` does). ``note`` is a line under the list,
    shown when ``show_note`` is true (e.g. ``show_note=request.FILES``: files must be chosen again).
    """
    skip = {(id(part.form), part.name) for part in parts if isinstance(part, BoundField)}
    errors = []
    for part in parts:
        if isinstance(part, BoundField):
            errors += [(_target(part), str(error)) for error in part.errors]
        elif isinstance(part, BaseFormSet):
            first = next((_first_field(form) for form in part.forms), None)
            errors += [(_target(first) if first else "", str(error)) for error in part.non_form_errors()]
            for number, form in enumerate(part.forms, start=1):
                errors += _form_errors(form, f"{item} {number}: " if item else "", skip, non_field)
        elif part is not None and hasattr(part, "errors"):
            errors += _form_errors(part, "", skip, non_field)
    return {"errors": errors, "note": note if show_note else ""}
