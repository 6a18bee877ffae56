from django.urls import path

from . import views

urlpatterns = [
    path("claims/", views.claim_list, name="claim_list"),
    path("finance/claims/", views.finance_queue, name="finance_queue"),
]
