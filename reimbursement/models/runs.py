"""Payment runs: one partnership's claims for one payment route, paid together under one reference."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from engagement.models import Partnership
from engagement.validators import validate_typed_date

from .policies import PaymentRoute


class PaymentRun(models.Model):
    """Claims finance paid together: all of one partnership, all by one payment route, one reference.

    Made only by ``services.mark_run_paid`` (and ``pay_claim``, a run of one
    claim), which lock the partnership's row first, so two runs of one
    partnership never overlap and the same form sent twice makes one run.
    Every paid claim belongs to one. The reference is the finance system's batch: no two
    runs of a partnership share one.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="payment_runs")
    route = models.CharField("payment route", max_length=20, choices=PaymentRoute.choices)
    reference = models.CharField(max_length=100)
    paid_on = models.DateField(validators=[validate_typed_date])
    approved_before = models.DateTimeField(
        null=True, blank=True, validators=[validate_typed_date], help_text="The cut-off: claims approved by then."
    )
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_typed_date])

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "reference"], name="payment_run_reference_unique"),
            models.CheckConstraint(condition=~Q(reference=""), name="payment_run_has_reference"),
            models.CheckConstraint(
                condition=Q(route__in=["payroll", "accounts_payable", "vouchers"]), name="payment_run_route_known"
            ),
        ]

    def __str__(self):
        return f"Payment run {self.reference} ({self.partnership}, {self.get_route_display()})"
