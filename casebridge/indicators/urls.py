from django.urls import path

from casebridge.indicators import views

app_name = "indicators"
urlpatterns = [path("", views.dashboard, name="dashboard")]
