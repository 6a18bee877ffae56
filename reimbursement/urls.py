"""Claim URLs. ``/claims/`` and ``/finance/claims/`` are a contract (DESIGN.md): keep them stable."""

from django.urls import path

from .views import claims, finance

urlpatterns = [
    # Members (reimbursement/views/claims.py).
    path("claims/", claims.claim_list, name="claim_list"),
    path("claims/policy/", claims.claim_policy, name="claim_policy"),
    path("claims/new/", claims.claim_new, name="claim_new"),
    path("claims/<int:pk>/", claims.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/edit/", claims.claim_edit, name="claim_edit"),
    path("claims/<int:pk>/delete/", claims.claim_delete, name="claim_delete"),
    path("claims/receipts/<int:pk>/", claims.receipt_download, name="receipt_download"),
    # Approvers and finance (reimbursement/views/finance.py).
    path("finance/claims/", finance.finance_queue, name="finance_queue"),
    path("finance/claims/<int:pk>/approve/", finance.claim_approve, name="claim_approve"),
    path("finance/claims/<int:pk>/reject/", finance.claim_reject, name="claim_reject"),
    path("finance/payment-run/", finance.payment_run, name="payment_run"),
    path("finance/payment-run.csv", finance.payment_run_csv, name="payment_run_csv"),
    path("finance/year-summary/", finance.year_summary, name="claim_year_summary"),
    path("finance/year-summary/<slug:slug>/<int:year>.xlsx", finance.year_summary_xlsx, name="claim_year_summary_xlsx"),
]
