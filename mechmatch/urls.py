from django.contrib import admin
from django.urls import include, path

from mechmatch.accounts import views as account_views
from mechmatch.api import api
from mechmatch.mechanics import views as mechanic_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("mechmatch.accounts.urls")),
    path("mechanic/", include("mechmatch.mechanics.urls")),
    path("mechanic/", include("mechmatch.dispatch.urls")),
    path("app/", include("mechmatch.journey.urls")),
    path("payments/", include("mechmatch.payments.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("media/mechanics/<str:filename>", mechanic_views.photo, name="mechanic_photo"),
]
