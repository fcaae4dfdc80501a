"""Her testimony, on her case: ``/cases/<id>/testimony/``."""

from django.urls import path

from casebridge.legal import views

app_name = "testimony"
urlpatterns = [path("cases/<uuid:case_id>/testimony/", views.testimony, name="page")]
