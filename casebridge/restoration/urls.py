from django.urls import path

from casebridge.restoration import views

app_name = "restoration"
urlpatterns = [
    path("partners/", views.partner_list, name="partners"),
    path("referrals/", views.referral_list, name="referrals"),
    path("referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/<uuid:pk>/", views.referral_detail, name="referral"),
    path("referrals/<uuid:pk>/<slug:move>/", views.referral_move, name="referral_move"),
]
