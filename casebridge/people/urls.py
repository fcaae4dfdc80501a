from django.urls import path

from casebridge.people import views

app_name = "people"
urlpatterns = [path("search/", views.search, name="search")]
