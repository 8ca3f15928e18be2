from django.urls import path

from mechmatch.payments import views

app_name = "payments"
urlpatterns = [
    path("test/<int:pk>/", views.test_checkout, name="test_checkout"),
    path("return/<int:pk>/", views.checkout_return, name="return"),
    path("webhooks/stripe/", views.stripe_webhook, name="stripe_webhook"),
]
