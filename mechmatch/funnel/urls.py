from django.urls import path

from mechmatch.funnel import views

app_name = "funnel"
urlpatterns = [
    path("kpis/", views.kpis, name="kpis"),
    path("kpis/export.csv", views.kpis_csv, name="kpis_csv"),
]
beacon_patterns = [path("page-load/", views.page_load, name="page_load")]
