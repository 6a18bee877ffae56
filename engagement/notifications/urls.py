from django.urls import path

from . import views

urlpatterns = [
    path("my/notifications/", views.preferences, name="notification_preferences"),
    path("my/notifications/unsubscribe/<str:token>/", views.unsubscribe, name="notification_unsubscribe"),
]
