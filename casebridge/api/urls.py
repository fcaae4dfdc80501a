from django.urls import include, path, re_path
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
from casebridge.legal.api import (
    BundleView,
    CalendarFeedFile,
    CalendarFeedView,
    ChargeCodeViewSet,
    ProceedingViewSet,
    StageDurationsView,
    TestimonyView,
)
from casebridge.notifications.api import NotificationViewSet
from casebridge.people.api import PeopleViewSet
from casebridge.prevalence.api import StudyViewSet
from casebridge.restoration import care_api
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
router.register("legal/proceedings", ProceedingViewSet, basename="legal-proceeding")
router.register("legal/charge-codes", ChargeCodeViewSet, basename="legal-charge-code")
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
    path(
        "legal/proceedings/<uuid:pk>/hearings/<uuid:hearing_id>/bundle/",
        BundleView.as_view(),
        name="legal-proceeding-hearing-bundle",
    ),
    path("legal/stage-durations/", StageDurationsView.as_view(), name="legal-stage-durations"),
    path("legal/calendar/", CalendarFeedView.as_view(), name="legal-calendar"),
    re_path(
        r"^legal/calendar/(?P<token>[A-Za-z0-9_-]{20,100})\.ics$",
        CalendarFeedFile.as_view(),
        name="legal-calendar-feed",
    ),
    path("crisis/board/", BoardView.as_view(), name="crisis-board"),
    path("cases/<uuid:case_id>/testimony/", TestimonyView.as_view(), name="case-testimony"),
    path("cases/<uuid:case_id>/care-plan/", care_api.CarePlanView.as_view(), name="case-care-plan"),
    path("cases/<uuid:case_id>/care-plan/goals/", care_api.GoalsView.as_view(), name="case-care-goals"),
    path("cases/<uuid:case_id>/care-plan/goals/<uuid:goal_id>/", care_api.GoalView.as_view(), name="case-care-goal"),
    path("cases/<uuid:case_id>/care-plan/services/", care_api.ServicesView.as_view(), name="case-care-services"),
    path("cases/<uuid:case_id>/care-plan/reviews/", care_api.ReviewsView.as_view(), name="case-care-reviews"),
    path("cases/<uuid:case_id>/care-plan/close/", care_api.ClosePlanView.as_view(), name="case-care-close"),
    path("cases/<uuid:case_id>/medical/", care_api.MedicalView.as_view(), name="case-medical"),
    path("cases/<uuid:case_id>/counselling/", care_api.CounsellingView.as_view(), name="case-counselling"),
    path("cases/<uuid:case_id>/education/", care_api.EducationView.as_view(), name="case-education"),
    path("cases/<uuid:case_id>/education/enrolments/", care_api.EnrolmentsView.as_view(), name="case-enrolments"),
    path(
        "cases/<uuid:case_id>/education/enrolments/<uuid:enrolment_id>/",
        care_api.EnrolmentView.as_view(),
        name="case-enrolment",
    ),
    path("cases/<uuid:case_id>/education/livelihood/", care_api.LivelihoodView.as_view(), name="case-livelihood"),
    path("cases/<uuid:case_id>/reintegration/", care_api.ReintegrationView.as_view(), name="case-reintegration"),
    path("cases/<uuid:case_id>/reintegration/stage/", care_api.StageView.as_view(), name="case-reintegration-stage"),
    path("cases/<uuid:case_id>/reintegration/checks/", care_api.CheckView.as_view(), name="case-reintegration-checks"),
    path(
        "cases/<uuid:case_id>/reintegration/outcomes/",
        care_api.OutcomeView.as_view(),
        name="case-reintegration-outcomes",
    ),
    path(
        "cases/<uuid:case_id>/reintegration/follow-ups/<uuid:follow_up_id>/",
        care_api.FollowUpView.as_view(),
        name="case-reintegration-follow-up",
    ),
    path("cases/<uuid:case_id>/transfer/", care_api.TransfersView.as_view(), name="case-transfer"),
    path(
        "cases/<uuid:case_id>/transfer/<uuid:transfer_id>/<str:move>/",
        care_api.TransferMoveView.as_view(),
        name="case-transfer-move",
    ),
    path("", include(router.urls)),
]
