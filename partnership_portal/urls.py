"""Root URLs. Paths here are a contract (see DESIGN.md): keep them stable."""

from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "Partnership Portal – back office"
admin.site.site_title = "Partnership Portal back office"
admin.site.index_title = "Run the partnership"

urlpatterns = [
    path("", views.home, name="home"),
    path("p/<slug:slug>/", views.partnership_detail, name="partnership_detail"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("meetings.urls")),
    path("", include("priorities.urls")),
    path("", include("reimbursement.urls")),
    path("", include("notifications.urls")),
]
