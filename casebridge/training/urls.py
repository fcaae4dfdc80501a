from django.urls import path

from casebridge.training import views

app_name = "training"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_new, name="new"),
    path("<uuid:event_id>/", views.event_detail, name="detail"),
    path("<uuid:event_id>/participants/", views.participant_add, name="participant_add"),
    path("<uuid:event_id>/participants/import/", views.participants_import, name="import"),
    path("<uuid:event_id>/scores/", views.scores, name="scores"),
    path(
        "<uuid:event_id>/participants/<uuid:participant_id>/remove/",
        views.participant_remove,
        name="participant_remove",
    ),
    path("<uuid:event_id>/participants/<uuid:participant_id>/certificate.pdf", views.certificate, name="certificate"),
]
