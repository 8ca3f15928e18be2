from django.urls import path

from mechmatch.accounts import views

app_name = "accounts"
# The sign-up pages join this namespace in mechmatch/urls.py: they live in the apps whose
# profile they create (customers, mechanics), which depend on accounts and not the reverse.
urlpatterns = [
    path("signin/", views.SigninView.as_view(), name="signin"),
    path("signout/", views.SignoutView.as_view(), name="signout"),
]
