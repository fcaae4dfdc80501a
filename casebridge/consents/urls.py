from django.urls import path

from casebridge.consents import views

app_name = "consents"
urlpatterns = [path("cases/<uuid:case_id>/consents/new/", views.consent_new, name="new")]
