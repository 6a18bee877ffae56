"""Counts of related rows as subqueries, for lists that page a large table.

A list's counts, not ``Count`` over a join: a join groups the whole related
table (a region's 54,000 agenda items) before the page of rows is taken, and
two joins multiply their rows (items × attendances) before counting.
"""

from django.apps import apps
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce


def count_pointing_here(rows, field):
    """How many of ``rows`` point at each outer row through ``field``, as a subquery (0 when none).

    ``rows`` is a queryset (``Attendance.objects.counted()``), a model, or an
    "app_label.Model" label, so that engagement names other apps' models
    without importing them.
    """
    if isinstance(rows, str):
        rows = apps.get_model(rows)
    if not isinstance(rows, QuerySet):
        rows = rows._default_manager.all()
    related = rows.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(related.annotate(n=Count("pk")).values("n")), 0)
