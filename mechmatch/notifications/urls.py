from django.urls import path

from mechmatch.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.inbox_read, name="inbox_read"),
    path("preferences/", views.preferences, name="preferences"),
]
