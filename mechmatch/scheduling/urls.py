from django.urls import path

from mechmatch.scheduling import views

app_name = "scheduling"

urlpatterns = [
    path("availability/", views.availability, name="availability"),
    path("bookings/", views.bookings, name="bookings"),
    path("bookings/<int:pk>/reschedule/", views.booking_reschedule, name="reschedule"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="cancel"),
    path("intake/<int:pk>/", views.intake_slots, name="intake_slots"),
    path("intake/<int:pk>/confirm/", views.intake_confirm, name="intake_confirm"),
]
