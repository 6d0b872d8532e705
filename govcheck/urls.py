from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from assessments.views.accounts import password_reset

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    # Before Django's own: the reset form throttled per address and per client.
    path("accounts/password_reset/", password_reset, name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("assessments.urls")),
]

handler500 = "govcheck.views.server_error"
