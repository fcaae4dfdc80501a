from django.urls import path

from casebridge.restoration import views

app_name = "restoration"
urlpatterns = [path("", views.partner_list, name="partners")]
