"""Engagement's pages: joining a partnership."""

from django.urls import path

from . import joining_views

urlpatterns = [
    path("p/<slug:slug>/join/", joining_views.join, name="join"),
    path("p/<slug:slug>/join/requests/", joining_views.join_requests, name="join_requests"),
    path("join/confirm/<str:token>/", joining_views.join_confirm, name="join_confirm"),
]
