from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from casebridge.accounts.api import MeView
from casebridge.agencies.api import AgencyViewSet, MembershipViewSet
from casebridge.audit.api import EmergencyAccessViewSet
from casebridge.cases.api import CaseViewSet, ContactRequestViewSet
from casebridge.crisis.api import BoardView, EpisodeViewSet, PlacementRuleViewSet
from casebridge.indicators.api import IndicatorsView, ReportsView, ReportView
from casebridge.investigations.api import (
    EstablishmentViewSet,
    IdentifierViewSet,
    IntelligenceViewSet,
    LinkViewSet,
    NetworkView,
    OperationViewSet,
    SubjectViewSet,
)
from casebridge.notifications.api import NotificationViewSet
from casebridge.people.api import PeopleViewSet
from casebridge.prevalence.api import StudyViewSet
from casebridge.restoration.api import PartnerViewSet, ReferralViewSet
from casebridge.training.api import EventViewSet, FiguresView

router = DefaultRouter()
router.register("agencies", AgencyViewSet, basename="agency")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("people", PeopleViewSet, basename="people")
router.register("cases", CaseViewSet, basename="case")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("emergency-access", EmergencyAccessViewSet, basename="emergency-access")
router.register("contact-requests", ContactRequestViewSet, basename="contact-request")
router.register("prevalence/studies", StudyViewSet, basename="prevalence-study")
router.register("training/events", EventViewSet, basename="training-event")
router.register("partners", PartnerViewSet, basename="partner")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("crisis/episodes", EpisodeViewSet, basename="crisis-episode")
router.register("crisis/placement-rules", PlacementRuleViewSet, basename="crisis-placement-rule")
router.register("investigations/establishments", EstablishmentViewSet, basename="investigation-establishment")
router.register("investigations/subjects", SubjectViewSet, basename="investigation-subject")
router.register("investigations/identifiers", IdentifierViewSet, basename="investigation-identifier")
router.register("investigations/links", LinkViewSet, basename="investigation-link")
router.register("investigations/intelligence", IntelligenceViewSet, basename="investigation-intelligence")
router.register("investigations/operations", OperationViewSet, basename="investigation-operation")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("me/", MeView.as_view(), name="me"),
    path("training/figures/", FiguresView.as_view(), name="training-figures"),
    path("indicators/", IndicatorsView.as_view(), name="indicators"),
    path("indicators/reports/", ReportsView.as_view(), name="indicator-reports"),
    path("indicators/reports/<str:report_id>/", ReportView.as_view(), name="indicator-report"),
    path("investigations/network/", NetworkView.as_view(), name="investigation-network"),
    path("crisis/board/", BoardView.as_view(), name="crisis-board"),
    path("", include(router.urls)),
]
