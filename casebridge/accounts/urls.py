from django.urls import path

from casebridge.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.user_settings, name="settings"),
]
