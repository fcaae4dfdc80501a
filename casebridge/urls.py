from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.utils.translation import gettext_lazy

from casebridge.accounts.views import set_language

# The admin signs in through allauth (password and second factor), never through its own form.
admin.site.login = login_required(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = gettext_lazy("casebridge administration")
admin.site.site_title = gettext_lazy("casebridge administration")

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("casebridge.api.urls")),
    path("people/", include("casebridge.people.urls")),
    path("privacy/", include("casebridge.audit.urls")),
    path("notifications/", include("casebridge.notifications.urls")),
    path("prevalence/", include("casebridge.prevalence.urls")),
    path("training/", include("casebridge.training.urls")),
    path("indicators/", include("casebridge.indicators.urls")),
    path("investigations/", include("casebridge.investigations.urls")),
    path("crisis/", include("casebridge.crisis.urls")),
    path("", include("casebridge.restoration.urls")),
    path("legal/", include("casebridge.legal.urls")),
    path("", include("casebridge.legal.testimony_urls")),
    path("settings/", include("casebridge.accounts.urls")),
    path("", include("casebridge.consents.urls")),
    path("", include("casebridge.cases.urls")),
]

# JSON under /api/, the site's pages elsewhere.
handler400 = "casebridge.api.errors.bad_request"
handler404 = "casebridge.api.errors.page_not_found"
handler500 = "casebridge.api.errors.server_error"
