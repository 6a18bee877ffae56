"""Priority URLs. ``/priorities/`` is a contract (DESIGN.md): keep it stable."""

from django.urls import path

from . import views

urlpatterns = [
    path("priorities/", views.priority_list, name="priority_list"),
    path("priorities/<int:pk>/", views.priority_detail, name="priority_detail"),
    path("priorities/actions/<int:pk>/notes/new/", views.action_note_new, name="action_note_new"),
    path(
        "priorities/<slug:slug>/action-plan.csv",
        views.action_plan_export,
        {"fmt": "csv"},
        name="action_plan_csv",
    ),
    path(
        "priorities/<slug:slug>/action-plan.xlsx",
        views.action_plan_export,
        {"fmt": "xlsx"},
        name="action_plan_xlsx",
    ),
]
