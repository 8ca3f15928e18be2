from django.urls import path

from mechmatch.journey import session_views, views
from mechmatch.throttles import rate_limited

app_name = "journey"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("intake/", views.intake_start, name="intake_start"),
    path("intake/<int:pk>/", views.intake_edit, name="intake"),
    path("intake/<int:pk>/photos/<int:photo_id>/delete/", views.intake_photo_delete, name="photo_delete"),
    path("intake/<int:pk>/preview/", views.preview, name="preview"),
    path("intake/<int:pk>/choose/", views.choose, name="choose"),
    path("intake/<int:pk>/auto/", views.choose_auto, name="choose_auto"),
    path("intake/<int:pk>/contact/", views.leave_contact, name="leave_contact"),
    path("intake/<int:pk>/plan/", views.plan, name="plan"),
    path("intake/<int:pk>/waiver/", views.waiver, name="waiver"),
    path("photos/<int:photo_id>/", views.intake_photo, name="photo"),
    path("mechanics/", views.browse, name="browse"),
    path("mechanics/<int:mechanic_id>/", views.mechanic_profile, name="mechanic"),
    path("mechanics/<int:mechanic_id>/choose/", views.mechanic_choose, name="mechanic_choose"),
    path("mechanics/<int:mechanic_id>/favourite/", views.mechanic_favourite, name="mechanic_favourite"),
    path("requests/<int:pk>/", views.request_page, name="request"),
    path("requests/<int:pk>/live/", views.request_live, name="request_live"),
    path("requests/<int:pk>/choice/", views.request_choice, name="request_choice"),
    path("requests/<int:pk>/message/", rate_limited("chat")(views.request_message), name="request_message"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request_cancel"),
    path("sessions/<int:pk>/", views.session_page, name="session"),
    path("sessions/<int:pk>/messages/", rate_limited("chat")(views.session_messages), name="session_messages"),
    path(
        "sessions/<int:pk>/photos/", rate_limited("chat")(session_views.session_photo_send), name="session_photo_send"
    ),
    path("sessions/<int:pk>/photos/<int:message_id>/", session_views.session_photo, name="session_photo"),
    path("sessions/<int:pk>/notes/", session_views.session_notes, name="session_notes"),
    path("sessions/<int:pk>/extend/", session_views.session_extend, name="session_extend"),
    path("sessions/<int:pk>/end/", views.session_end_view, name="session_end"),
    path("sessions/<int:pk>/favourite/", views.session_favourite, name="session_favourite"),
    path("sessions/<int:pk>/complete/", views.complete, name="complete"),
    path("sessions/<int:pk>/satisfaction/", views.satisfaction, name="satisfaction"),
    path("sessions/<int:pk>/report.txt", views.report, name="report"),
    path("history/", views.history, name="history"),
    path("history/<int:pk>/rebook/", views.rebook, name="rebook"),
]
