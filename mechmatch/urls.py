from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from mechmatch.accounts import urls as account_urls
from mechmatch.api import api, unknown_path
from mechmatch.customers import views as customer_views
from mechmatch.funnel import urls as funnel_urls
from mechmatch.journey import home as home_views
from mechmatch.mechanics import views as mechanic_views
from mechmatch.monitoring import views as monitoring_views

# Signing up creates a customer's or a mechanic's profile, so those views live in their own
# apps; they keep their /accounts/ paths and accounts:signup* names.
account_patterns = [
    path("signup/", customer_views.signup, name="signup"),
    path("signup/mechanic/", mechanic_views.signup, name="signup_mechanic"),
    *account_urls.urlpatterns,
]

urlpatterns = [
    path("", home_views.home, name="home"),
    path("accounts/", include((account_patterns, account_urls.app_name))),
    path("mechanic/", include("mechmatch.mechanics.urls")),
    path("mechanic/", include("mechmatch.dispatch.urls")),
    path("app/", include("mechmatch.journey.urls")),
    path("payments/", include("mechmatch.payments.urls")),
    path("notifications/", include("mechmatch.notifications.urls")),
    path("schedule/", include("mechmatch.scheduling.urls")),
    path("operators/", include("mechmatch.funnel.urls")),
    path("funnel/", include((funnel_urls.beacon_patterns, "funnel_beacon"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("api/<path:rest>", unknown_path),
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("metrics", monitoring_views.metrics, name="metrics"),
    path("media/mechanics/<str:filename>", mechanic_views.photo, name="mechanic_photo"),
]

# A database outage answers 503 (JSON under /api/), any other uncaught error the usual 500.
handler500 = "mechmatch.serving.outage.server_error"
