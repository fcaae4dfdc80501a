from django.urls import path

from casebridge.legal import views

app_name = "legal"
urlpatterns = [
    path("", views.proceeding_list, name="list"),
    path("new/", views.proceeding_new, name="new"),
    path("calendar/", views.calendar_feed, name="calendar"),
    path("stages/", views.stage_durations, name="stages"),
    path("<uuid:pk>/", views.proceeding_detail, name="detail"),
    path("<uuid:pk>/hearings/<uuid:hearing_id>/bundle/", views.hearing_bundle, name="bundle"),
    path("<uuid:pk>/<slug:name>/", views.proceeding_post, name="post"),
]
