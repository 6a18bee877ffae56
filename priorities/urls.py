from django.urls import path

from . import views

urlpatterns = [
    path("priorities/", views.priority_list, name="priority_list"),
]
