from django.urls import path

from casebridge.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.mark_read, name="read"),
    path("<int:notification_id>/", views.open_notification, name="open"),
]
