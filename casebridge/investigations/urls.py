from django.urls import path

from casebridge.investigations import views

app_name = "investigations"
urlpatterns = [
    path("", views.home, name="home"),
    path("list/<slug:kind>/", views.listing, name="list"),
    path("establishments/new/", views.establishment_new, name="establishment_new"),
    path("establishments/communes/", views.communes, name="communes"),
    path("establishments/<uuid:pk>/", views.establishment, name="establishment"),
    path("establishments/<uuid:pk>/status/", views.establishment_status, name="establishment_status"),
    path("subjects/new/", views.subject_new, name="subject_new"),
    path("subjects/<uuid:pk>/", views.subject, name="subject"),
    path("subjects/<uuid:pk>/identifiers/", views.subject_identifier, name="subject_identifier"),
    path("identifiers/<uuid:pk>/", views.identifier, name="identifier"),
    path("intelligence/new/", views.intelligence_new, name="intelligence_new"),
    path("intelligence/<uuid:pk>/", views.intelligence, name="intelligence"),
    path("links/<str:node>/new/", views.link_new, name="link_new"),
    path("operations/new/", views.operation_new, name="operation_new"),
    path("operations/<uuid:pk>/", views.operation, name="operation"),
    path("operations/<uuid:pk>/step/<slug:step>/", views.operation_step, name="operation_step"),
    path("operations/<uuid:pk>/record/<slug:what>/", views.operation_record, name="operation_record"),
    path("operations/<uuid:pk>/arrests/<uuid:arrest_id>/withdraw/", views.arrest_withdraw, name="arrest_withdraw"),
    path("operations/<uuid:pk>/people/<uuid:encounter_id>/", views.screening, name="screening"),
    path("operations/<uuid:pk>/people/<uuid:encounter_id>/case/", views.screening_case, name="screening_case"),
    path("network/", views.network, name="network"),
    path("ref/<str:reference>/", views.follow_reference, name="ref"),
]
