from django.urls import path, re_path

from casebridge.restoration import care_views, views

app_name = "restoration"
UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
AREAS = "|".join(care_views.AREAS)
urlpatterns = [
    path("partners/", views.partner_list, name="partners"),
    path("referrals/", views.referral_list, name="referrals"),
    path("referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/<uuid:pk>/", views.referral_detail, name="referral"),
    path("referrals/<uuid:pk>/<slug:move>/", views.referral_move, name="referral_move"),
    re_path(rf"^cases/(?P<case_id>{UUID})/(?P<area>{AREAS})/$", care_views.care_page, name="care"),
    re_path(
        rf"^cases/(?P<case_id>{UUID})/(?P<area>{AREAS})/(?P<name>[a-z_]+)/$", care_views.care_post, name="care_post"
    ),
]
