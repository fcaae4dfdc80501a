from django.urls import path

from casebridge.audit import views

app_name = "audit"
urlpatterns = [
    path("break-glass/", views.break_glass, name="break_glass"),
    path("reviews/", views.review_list, name="break_glass_list"),
    path("reviews/<int:glass_id>/", views.review, name="review"),
    path("cases/<uuid:case_id>/access-log/", views.access_log, name="access_log"),
    path("memberships/", views.memberships, name="memberships"),
    path("memberships/<int:membership_id>/<str:decision>/", views.decide_membership, name="decide_membership"),
]
