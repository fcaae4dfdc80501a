from django.urls import path

from casebridge.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reports/", views.report_new, name="report_new"),
    path("reports/<uuid:report_id>/", views.report, name="report"),
    path("reports/<uuid:report_id>/report.<str:kind>", views.report_file, name="report_file"),
]
