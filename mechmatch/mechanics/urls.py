from django.urls import path

from mechmatch.mechanics import views

app_name = "mechanics"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
]
