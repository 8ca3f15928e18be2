from django.urls import path

from mechmatch.dispatch import views

app_name = "dispatch"
urlpatterns = [
    path("offers/", views.offers, name="offers"),
    path("offers/list/", views.offers_fragment, name="offers_fragment"),
    path("offers/<int:offer_id>/accept/", views.offer_accept, name="offer_accept"),
    path("offers/<int:offer_id>/decline/", views.offer_decline, name="offer_decline"),
    path("shift/", views.shift, name="shift"),
    path("session/", views.session, name="session"),
    path("session/<int:consultation_id>/end/", views.session_end, name="session_end"),
    path("history/", views.history, name="history"),
]
