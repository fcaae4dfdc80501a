from django.urls import path

from casebridge.prevalence import views

app_name = "prevalence"
urlpatterns = [
    path("", views.study_list, name="list"),
    path("new/", views.study_new, name="new"),
    path("<uuid:study_id>/", views.study_detail, name="detail"),
    path("<uuid:study_id>/strata/", views.stratum_add, name="stratum_add"),
    path("<uuid:study_id>/frame/", views.frame, name="frame"),
    path("<uuid:study_id>/sample/", views.sample, name="sample"),
    path("<uuid:study_id>/sample/replace/", views.replace, name="replace"),
    path("<uuid:study_id>/visits/", views.visits, name="visits"),
    path("<uuid:study_id>/visits/new/", views.visit_new, name="visit_new"),
    path("<uuid:study_id>/visits/<uuid:visit_id>/void/", views.visit_void, name="visit_void"),
]
