from django.urls import path

from mechmatch.accounts import views

app_name = "accounts"
urlpatterns = [
    path("signup/", views.signup_customer, name="signup"),
    path("signup/mechanic/", views.signup_mechanic, name="signup_mechanic"),
    path("signin/", views.SigninView.as_view(), name="signin"),
    path("signout/", views.SignoutView.as_view(), name="signout"),
]
