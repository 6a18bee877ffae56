"""Notification URLs: /my/notifications/ is a contract (DESIGN.md)."""

from django.urls import path

from . import views

urlpatterns = [
    path("my/notifications/", views.preferences, name="notification_preferences"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
