from django.urls import path

from casebridge.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.home, name="home"),
    path("cases/", views.case_list, name="list"),
    path("cases/new/", views.case_new, name="new"),
    path("cases/<uuid:case_id>/", views.case_detail, name="detail"),
    path("cases/<uuid:case_id>/case-worker/", views.case_worker, name="assign"),
    path("cases/<uuid:case_id>/notes/", views.note_create, name="note_create"),
    path("cases/<uuid:case_id>/notes/<uuid:note_id>/", views.note_detail, name="note"),
    path("cases/<uuid:case_id>/people/add/", views.participant_add, name="participant_add"),
    path("cases/<uuid:case_id>/identity/", views.identity_correct, name="identity"),
    path("cases/<uuid:case_id>/status/", views.case_status, name="status"),
    path("cases/<uuid:case_id>/team/add/", views.team_add, name="team_add"),
    path("cases/<uuid:case_id>/team/<int:member_id>/remove/", views.team_remove, name="team_remove"),
    path("contact-requests/", views.contact_requests, name="contact_requests"),
    path("contact-requests/<uuid:request_id>/answer/", views.contact_answer, name="contact_answer"),
]
