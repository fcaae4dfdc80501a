from django.urls import path

from casebridge.crisis import views

app_name = "crisis"
urlpatterns = [
    path("", views.board_page, name="board"),
    path("new/", views.episode_new, name="new"),
    path("<uuid:pk>/", views.episode, name="episode"),
    path("<uuid:pk>/shifts/", views.shift_add, name="shift_add"),
    path("<uuid:pk>/shifts/<uuid:shift_id>/cancel/", views.shift_cancel, name="shift_cancel"),
    path("<uuid:pk>/close/", views.episode_close, name="close"),
    path("<uuid:pk>/incidents/", views.incident, name="incident"),
    path("<uuid:pk>/records/<slug:kind>/", views.record_add, name="record"),
    path("<uuid:pk>/handover.pdf", views.handover, name="handover"),
]
