"""Root URLs. Paths here are a contract (see DESIGN.md): keep them stable."""

from allauth.account import views as allauth_views
from django.contrib import admin
from django.urls import include, path

from engagement import glossary_views

from . import views

admin.site.site_header = "Partnership Portal – back office"
admin.site.site_title = "Partnership Portal back office"
admin.site.index_title = "Run the partnership"

# "Not found" and "not allowed" in the site's frame, with a way on (with DEBUG on, Django shows its own 404).
handler404 = "partnership_portal.views.page_not_found"
handler403 = "partnership_portal.views.permission_denied"

urlpatterns = [
    path("", views.home, name="home"),
    path("p/<slug:slug>/", views.partnership_detail, name="partnership_detail"),
    path("p/<slug:slug>/glossary/", glossary_views.glossary, name="glossary"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility, name="accessibility"),
    # Before Django's own account URLs: the same sign-in view, with a "Signed in as …" message.
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    # Asking for a reset link is allauth's now (its email goes through the outbox), at its addresses and still
    # at the old ones (bookmarks, the locked-out page). The emailed set-password link of joining
    # (password_reset_confirm) stays Django's, below.
    path("accounts/password_reset/", allauth_views.password_reset, name="password_reset"),
    path("accounts/password_reset/done/", allauth_views.password_reset_done, name="password_reset_done"),
    # Sign-out, changing a password, and the uid/token links (Django's views); then allauth's sign-up,
    # confirming and changing an address, and password reset (its login/ and logout/ are these above).
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("allauth.account.urls")),
    path("admin/", admin.site.urls),
    path("", include("engagement.urls")),
    path("", include("meetings.urls")),
    path("", include("priorities.urls")),
    path("", include("reimbursement.urls")),
    path("", include("engagement.notifications.urls")),
]
